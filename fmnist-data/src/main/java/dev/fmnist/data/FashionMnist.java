package dev.fmnist.data;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.source.DatasetLocator;
import dev.fmnist.data.source.DatasetReader;
import dev.fmnist.data.source.LoadedDataset;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The Fashion-MNIST data source of this platform instance: located and read once, on first use, then
 * shared. Its class names and image shape are known without reading the files.
 */
@Singleton
public final class FashionMnist implements DataSource {

    private final DataConfig config;
    private final DatasetLocator locator;
    private final DatasetReader reader;
    private LoadedDataset dataset;
    private SplitData split;

    @Inject
    public FashionMnist(DataConfig config, DatasetLocator locator, DatasetReader reader) {
        this.config = config;
        this.locator = locator;
        this.reader = reader;
    }

    /** The four files, read and checked; located and read on the first call. */
    public synchronized LoadedDataset dataset() {
        if (dataset == null) {
            dataset = reader.read(locator.locate());
        }
        return dataset;
    }

    @Override
    public String description() {
        return dataset().description();
    }

    @Override
    public LabelledImages trainingImages() {
        return dataset().trainingImages();
    }

    @Override
    public LabelledImages testImages() {
        return dataset().testImages();
    }

    @Override
    public List<String> classNames() {
        return FashionClass.displayNames();
    }

    @Override
    public ImageShape imageShape() {
        return ImageShape.FASHION_MNIST;
    }

    /** The SHA-256 of the training images file's content. */
    @Override
    public String fingerprint() {
        return dataset().checks().get(0).actualSha256();
    }

    /** Training images split by the configured seed and fraction, plus the test images. */
    public synchronized SplitData split() {
        if (split == null) {
            split = split(config.seed(), config.validationFraction());
        }
        return split;
    }

    /** The split of another seed or fraction, such as a saved run's; computed anew each call. */
    public SplitData split(long seed, double validationFraction) {
        if (split != null && seed == split.seed() && validationFraction == split.validationFraction()) {
            return split;
        }
        return SplitData.of(this, seed, validationFraction);
    }

    public DataConfig config() {
        return config;
    }
}
