package dev.fmnist.data.source;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where the dataset was found.
 *
 * @param folder the folder holding all four files
 * @param origin how it was found, for people ("data.dir from env FMNIST_DATA_DIR", "Debian package ...")
 */
public record DatasetLocation(Path folder, String origin) {

    public DatasetLocation {
        requireNonNull(folder, "folder is null");
        requireNonNull(origin, "origin is null");
    }
}
