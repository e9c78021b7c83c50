package dev.fmnist.data.idx;

/**
 * The content of an IDX label file.
 *
 * @param sha256 hex SHA-256 of the decompressed file, header included
 */
public record IdxLabels(byte[] labels, String sha256) {

    public int count() {
        return labels.length;
    }
}
