/** {@code fmnist models}: every model plugin, built in or from a JAR, and those that failed to load. */
package dev.fmnist.cli.models;
