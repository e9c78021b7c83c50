package dev.fmnist.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fmnist.cli.config.ConfigSources;
import dev.fmnist.cli.config.PlatformConfig;
import dev.fmnist.cli.config.Settings;
import dev.fmnist.data.DataModule;
import dev.fmnist.models.ModelsModule;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.training.TrainingModule;
import java.util.Optional;

/**
 * The one place where the platform is composed: configuration is read and checked, then every module's
 * Guice module is installed with its own config record. A new module is added here and nowhere else.
 */
public final class Bootstrap {

    private Bootstrap() {}

    /** @throws dev.fmnist.cli.config.ConfigException listing every configuration problem */
    public static Injector injector(GlobalOptions options) {
        return injector(ConfigSources.ofProcess(options.flags(), options.configFile()));
    }

    public static Injector injector(ConfigSources sources) {
        Settings settings = Settings.read(PlatformConfig.load(sources));
        // A process-wide switch that DL4J reads whenever a layer is created: set it before any network exists.
        LayerHelpers.enable(settings.nativeHelpers());
        return Guice.createInjector(
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Settings.class).toInstance(settings);
                        bind(PlatformConfig.class).toInstance(settings.config());
                        bind(ServerConfig.class).toInstance(settings.server());
                    }
                },
                new DataModule(settings.data()),
                new ModelsModule(Optional.of(settings.pluginsDir())),
                new TrainingModule(settings.training()));
    }
}
