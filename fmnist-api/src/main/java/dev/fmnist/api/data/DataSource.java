package dev.fmnist.api.data;

/**
 * Where a dataset's images come from. The platform ships the Fashion-MNIST source; another source
 * (a team's own catalog photos reduced to the same shape) implements this.
 */
public interface DataSource {

    /** Where the data was found, for people: a folder, a URL or a description. */
    String description();

    /** The images a model may learn from; the platform splits off its validation set from these. */
    LabelledImages trainingImages();

    /** The held-out images for the final evaluation; never used for training or model selection. */
    LabelledImages testImages();
}
