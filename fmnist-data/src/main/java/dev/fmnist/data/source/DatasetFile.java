package dev.fmnist.data.source;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One file of the dataset.
 *
 * @param name   the base name, without {@code .gz}
 * @param sha256 hex SHA-256 of the decompressed content
 */
public record DatasetFile(String name, String sha256) {

    public DatasetFile {
        requireNonNull(name, "name is null");
        requireNonNull(sha256, "sha256 is null");
    }

    public String gzName() {
        return name + ".gz";
    }

    /** The file in {@code folder}: gzipped preferred, plain accepted. */
    public Optional<Path> in(Path folder) {
        Path gz = folder.resolve(gzName());
        if (Files.isRegularFile(gz)) {
            return Optional.of(gz);
        }
        Path plain = folder.resolve(name);
        return Files.isRegularFile(plain) ? Optional.of(plain) : Optional.empty();
    }
}
