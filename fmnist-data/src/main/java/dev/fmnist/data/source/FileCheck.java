package dev.fmnist.data.source;

import java.nio.file.Path;

/**
 * The checksum of one loaded file against its pinned value.
 *
 * @param actualSha256 hex SHA-256 of the decompressed content as read
 */
public record FileCheck(DatasetFile file, Path path, String actualSha256) {

    public boolean verified() {
        return file.sha256().equals(actualSha256);
    }

    public String status() {
        return verified() ? "verified" : "MISMATCH (expected " + file.sha256() + ", got " + actualSha256 + ")";
    }
}
