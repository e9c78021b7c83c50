package dev.fmnist.data.source;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import java.util.List;

/**
 * A dataset read from its IDX files, with where it came from and how its files checked out.
 *
 * @param loadMillis wall time of reading and decompressing the four files
 */
public record LoadedDataset(DatasetLocation location, LabelledImages trainingImages, LabelledImages testImages,
        List<FileCheck> checks, long loadMillis) implements DataSource {

    public LoadedDataset {
        requireNonNull(location, "location is null");
        requireNonNull(trainingImages, "trainingImages is null");
        requireNonNull(testImages, "testImages is null");
        checks = List.copyOf(checks);
    }

    @Override
    public String description() {
        return location.folder() + " (" + location.origin() + ")";
    }

    public boolean allVerified() {
        return checks.stream().allMatch(FileCheck::verified);
    }
}
