package dev.fmnist.models;

import com.google.inject.AbstractModule;
import dev.fmnist.models.plugins.ModelRegistry;
import java.nio.file.Path;
import java.util.Optional;

/** Binds the model registry for one plugins folder (none: built-in plugins only). */
public final class ModelsModule extends AbstractModule {

    private final Optional<Path> pluginsDir;

    public ModelsModule(Optional<Path> pluginsDir) {
        this.pluginsDir = pluginsDir;
    }

    @Override
    protected void configure() {
        bind(ModelRegistry.class).toInstance(new ModelRegistry(pluginsDir));
    }
}
