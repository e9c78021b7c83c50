package dev.fmnist.data;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.split.StratifiedSplitter;
import dev.fmnist.data.split.TrainValidationSplit;

/**
 * The three sets a run uses: training and validation (a stratified split of the training images) and
 * the untouched test images.
 */
public record SplitData(LabelledImages train, LabelledImages validation, LabelledImages test, long seed,
        double validationFraction) {

    public SplitData {
        requireNonNull(train, "train is null");
        requireNonNull(validation, "validation is null");
        requireNonNull(test, "test is null");
    }

    /** The seeded, stratified split of a source's training images, with its test images. */
    public static SplitData of(DataSource source, long seed, double validationFraction) {
        LabelledImages training = source.trainingImages();
        TrainValidationSplit indices = StratifiedSplitter.split(training, validationFraction, seed);
        return new SplitData(training.subset(indices.train()), training.subset(indices.validation()),
                source.testImages(), seed, validationFraction);
    }

    /**
     * Every training image for training and none for validation: a final model fitted on all of them, its epoch
     * count fixed beforehand (nothing is left to stop early on).
     */
    public static SplitData all(DataSource source, long seed) {
        LabelledImages training = source.trainingImages();
        return new SplitData(training, training.subset(new int[0]), source.testImages(), seed, 0);
    }

    /**
     * At most the first {@code trainLimit} training and {@code validationLimit} validation images, in dataset
     * order. Fashion-MNIST's files are already shuffled, so a prefix keeps the classes roughly balanced.
     */
    public SplitData limit(int trainLimit, int validationLimit) {
        return new SplitData(prefix(train, trainLimit), prefix(validation, validationLimit), test, seed,
                validationFraction);
    }

    private static LabelledImages prefix(LabelledImages images, int limit) {
        if (limit >= images.count()) {
            return images;
        }
        int[] indices = new int[limit];
        for (int i = 0; i < limit; i++) {
            indices[i] = i;
        }
        return images.subset(indices);
    }
}
