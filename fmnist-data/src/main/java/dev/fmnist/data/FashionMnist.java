package dev.fmnist.data;

import dev.fmnist.data.source.DatasetLocator;
import dev.fmnist.data.source.DatasetReader;
import dev.fmnist.data.source.LoadedDataset;
import dev.fmnist.data.split.StratifiedSplitter;
import dev.fmnist.data.split.TrainValidationSplit;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The dataset of this platform instance: located and read once, on first use, then shared.
 */
@Singleton
public final class FashionMnist {

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
        LoadedDataset loaded = dataset();
        TrainValidationSplit indices = StratifiedSplitter.split(loaded.trainingImages(), validationFraction, seed);
        return new SplitData(loaded.trainingImages().subset(indices.train()),
                loaded.trainingImages().subset(indices.validation()), loaded.testImages(), seed, validationFraction);
    }

    public DataConfig config() {
        return config;
    }
}
