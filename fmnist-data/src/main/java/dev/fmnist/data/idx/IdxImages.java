package dev.fmnist.data.idx;

/**
 * The content of an IDX image file.
 *
 * @param pixels row-major unsigned bytes, image after image
 * @param sha256 hex SHA-256 of the decompressed file, header included
 */
public record IdxImages(int count, int rows, int columns, byte[] pixels, String sha256) {}
