package dev.fmnist.api.data;

import dev.fmnist.api.ImageShape;
import java.util.List;

/**
 * Where a run's images come from. The training engine, evaluation and the data commands take their images,
 * class names and image shape from a {@code DataSource}; the platform's own is Fashion-MNIST, and a source of
 * a team's catalog photos reduced to the same form implements this.
 */
public interface DataSource {

    /** Where the data was found, for people: a folder, a URL or a description. */
    String description();

    /** The images a model may learn from; the platform splits off its validation set from these. */
    LabelledImages trainingImages();

    /** The held-out images for the final evaluation; never used for training or model selection. */
    LabelledImages testImages();

    /** The class names in label order: the width of a model's output. Override when it is known without reading. */
    default List<String> classNames() {
        return trainingImages().classNames();
    }

    /** The shape of one image: a model's input. Override when it is known without reading the images. */
    default ImageShape imageShape() {
        return trainingImages().shape();
    }

    /** What identifies this exact data, such as a checksum of the training file; recorded in model manifests. */
    default String fingerprint() {
        return "";
    }
}
