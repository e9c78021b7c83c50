/**
 * Plugin classes at run time: the look-up that restores a saved network through its plugin's class loader (the
 * loaders themselves are {@code fmnist-models}' registry's).
 */
package dev.fmnist.runtime.plugins;
