package dev.fmnist.data;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.data.source.DatasetFiles;
import dev.fmnist.data.source.DatasetReader;
import jakarta.inject.Singleton;

/** Binds the data pipeline for one configuration. */
public final class DataModule extends AbstractModule {

    private final DataConfig config;

    public DataModule(DataConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(DataConfig.class).toInstance(config);
        bind(DatasetFiles.class).toInstance(DatasetFiles.FASHION_MNIST);
        bind(DataSource.class).to(FashionMnist.class);
    }

    @Provides
    @Singleton
    DatasetReader datasetReader(DatasetFiles files) {
        return new DatasetReader(files, FashionClass.displayNames());
    }
}
