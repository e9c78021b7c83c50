package dev.fmnist.data;

import dev.fmnist.data.source.DatasetDownloader;
import dev.fmnist.data.source.DatasetFiles;
import dev.fmnist.data.source.DatasetLocator;
import dev.fmnist.data.source.DatasetReader;

/** The real Fashion-MNIST files (Debian's dataset-fashion-mnist, or FMNIST_DATA_DIR), read once per test JVM. */
public final class RealDataset {

    private static FashionMnist instance;

    private RealDataset() {}

    public static synchronized FashionMnist get() {
        if (instance == null) {
            DataConfig config = new DataConfig(java.util.Optional.empty(), "default", DataConfig.DEBIAN_DIR,
                    DataConfig.defaults().cacheDir(), DataConfig.OFFICIAL_BASE_URL, false, 0.1,
                    dev.fmnist.image.encode.Normalization.Kind.SCALE, 42, SourceChoice.FASHION_MNIST, 0.2);
            String env = System.getenv("FMNIST_DATA_DIR");
            if (env != null && !env.isBlank()) {
                config = config.withDataDir(java.nio.file.Path.of(env), "env FMNIST_DATA_DIR");
            }
            // Tests never download: the network may reach only package registries.
            instance = new FashionMnist(config,
                    new DatasetLocator(config, DatasetFiles.FASHION_MNIST, new DatasetDownloader()),
                    new DatasetReader(DatasetFiles.FASHION_MNIST, dev.fmnist.data.FashionClass.displayNames()));
        }
        return instance;
    }
}
