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
            LoadedDataset loaded = dataset();
            TrainValidationSplit indices = StratifiedSplitter.split(loaded.trainingImages(),
                    config.validationFraction(), config.seed());
            split = new SplitData(loaded.trainingImages().subset(indices.train()),
                    loaded.trainingImages().subset(indices.validation()), loaded.testImages(), config.seed(),
                    config.validationFraction());
        }
        return split;
    }

    public DataConfig config() {
        return config;
    }
}
