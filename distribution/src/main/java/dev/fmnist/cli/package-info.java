/**
 * The {@code fmnist} command line: {@link dev.fmnist.cli.FmnistCli} parses, {@link dev.fmnist.cli.Bootstrap}
 * reads the configuration and composes every Guice module in one place, and each command asks the
 * injector for the services it drives.
 */
package dev.fmnist.cli;
