/**
 * Finding plugins: {@link java.util.ServiceLoader} on the platform's class path, and each JAR (or folder of
 * JARs) of the plugins folder in its own class loader that takes the SPI, ND4J, DL4J and JavaCPP from
 * the platform.
 */
package dev.fmnist.models.plugins;
