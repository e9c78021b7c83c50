/**
 * Configuration: the catalog of keys ({@link dev.fmnist.cli.config.ConfigKeys}), the layered sources
 * (flags, system properties, environment, user file, installation file, bundled defaults) and the typed
 * reading that reports every bad value at once.
 */
package dev.fmnist.cli.config;
