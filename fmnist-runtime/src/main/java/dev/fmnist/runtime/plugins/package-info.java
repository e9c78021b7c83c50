/**
 * Plugin classes at run time: the class loader that isolates a plugin JAR while sharing the SPI, ND4J and
 * DL4J with the platform, and the look-up that restores a saved network through its plugin's loader.
 */
package dev.fmnist.runtime.plugins;
