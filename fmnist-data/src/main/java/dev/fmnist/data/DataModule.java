package dev.fmnist.data;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.data.folder.ImageFolderSource;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.data.source.DatasetFiles;
import dev.fmnist.data.source.DatasetReader;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the data pipeline for one configuration: Fashion-MNIST, or the image folder the configuration names. */
public final class DataModule extends AbstractModule {

    private static final Logger log = LoggerFactory.getLogger(DataModule.class);

    /**
     * One test split per folder whatever a run's seed: runs of different seeds are compared on the same test
     * images, and no run's test image is another run's training image. The seed still varies validation.
     */
    static final long FOLDER_TEST_SPLIT_SEED = 42;

    private final DataConfig config;

    public DataModule(DataConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(DataConfig.class).toInstance(config);
        bind(DatasetFiles.class).toInstance(DatasetFiles.FASHION_MNIST);
    }

    @Provides
    @Singleton
    DatasetReader datasetReader(DatasetFiles files) {
        return new DatasetReader(files, FashionClass.displayNames());
    }

    @Provides
    @Singleton
    DataSource dataSource(Provider<FashionMnist> fashionMnist) {
        if (config.source().folder().isEmpty()) {
            return fashionMnist.get();
        }
        Path folder = config.source().folder().get();
        ImageFolderSource source = new ImageFolderSource(folder, FOLDER_TEST_SPLIT_SEED, config.testFraction(),
                new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS));
        if (!source.skipped().isEmpty()) {
            ImageFolderSource.Skipped first = source.skipped().get(0);
            log.warn("Skipped {} files of {} that are not readable images (the first: {}: {}); "
                    + "'fmnist data info --data {}' lists them", source.skipped().size(), folder, first.file(),
                    first.reason(), config.source());
        }
        return source;
    }
}
