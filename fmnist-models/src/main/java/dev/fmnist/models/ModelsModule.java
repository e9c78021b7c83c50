package dev.fmnist.models;

import com.google.inject.AbstractModule;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.plugins.PluginClasses;
import java.nio.file.Path;
import java.util.Optional;

/** Binds the model registry for one plugins folder (none: built-in plugins only), also as the plugin classes. */
public final class ModelsModule extends AbstractModule {

    private final Optional<Path> pluginsDir;

    public ModelsModule(Optional<Path> pluginsDir) {
        this.pluginsDir = pluginsDir;
    }

    @Override
    protected void configure() {
        ModelRegistry registry = new ModelRegistry(pluginsDir);
        bind(ModelRegistry.class).toInstance(registry);
        bind(PluginClasses.class).toInstance(registry);
    }
}
