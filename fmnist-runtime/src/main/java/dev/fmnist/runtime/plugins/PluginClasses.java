package dev.fmnist.runtime.plugins;

import dev.fmnist.runtime.model.ModelManifest;

/**
 * Where the classes of a saved network live. A plugin's network may use classes of the plugin's own JAR
 * (a custom layer, activation or schedule); DL4J can only restore it through the class loader that defined
 * them, which the plugin registry knows.
 */
@FunctionalInterface
public interface PluginClasses {

    /** The class loader of the plugin that built the model, or the platform's when it is not installed. */
    ClassLoader loaderFor(ModelManifest manifest);

    /** Only the platform's classes: for models of built-in plugins, and where no registry exists. */
    static PluginClasses platform() {
        return manifest -> PluginClasses.class.getClassLoader();
    }
}
