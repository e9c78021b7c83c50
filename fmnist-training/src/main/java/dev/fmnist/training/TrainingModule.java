package dev.fmnist.training;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;

/** Binds the training engine for one configuration. */
public final class TrainingModule extends AbstractModule {

    private final TrainingConfig config;

    public TrainingModule(TrainingConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(TrainingConfig.class).toInstance(config);
        bind(TrainingEngine.class).in(com.google.inject.Singleton.class);
    }
}
