package dev.fmnist.data.source;

import java.nio.file.Path;
import java.util.List;

/**
 * The four files of a dataset in the MNIST layout.
 */
public record DatasetFiles(DatasetFile trainImages, DatasetFile trainLabels, DatasetFile testImages,
        DatasetFile testLabels) {

    /**
     * Fashion-MNIST as published. The checksums are of the decompressed content, so a re-compressed copy
     * (Debian's package is one) verifies the same as the original download.
     */
    public static final DatasetFiles FASHION_MNIST = new DatasetFiles(
            new DatasetFile("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new DatasetFile("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new DatasetFile("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new DatasetFile("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    public List<DatasetFile> all() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** The files {@code folder} lacks (neither gzipped nor plain), in order. */
    public List<DatasetFile> missingIn(Path folder) {
        return all().stream().filter(file -> file.in(folder).isEmpty()).toList();
    }
}
