/** The model-plugin contract: {@link dev.fmnist.testkit.ModelPluginContract}. */
package dev.fmnist.testkit;
