package dev.fmnist.data.idx;

import dev.fmnist.data.DataException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes, gzipped or plain (told apart by the gzip magic, not the file name).
 * Every malformation (wrong magic, impossible dimensions, truncation, trailing bytes, corrupt gzip)
 * is a {@link DataException} that names the file and what is wrong.
 */
public final class IdxReader {

    /** Unsigned bytes, three dimensions: count, rows, columns. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Unsigned bytes, one dimension: count. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER = 1 << 16;
    private static final int MAX_SIDE = 4096;
    // A header may promise at most what one Java array holds; readNBytes allocates only as bytes arrive,
    // so a lying header cannot make us reserve memory up front.
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    public static IdxImages readImages(Path file) {
        return read(file, (name, data, digest) -> {
            expectMagic(name, data.readInt(), IMAGES_MAGIC, "images");
            int count = dimension(name, data.readInt(), "image count", Integer.MAX_VALUE);
            int rows = dimension(name, data.readInt(), "rows", MAX_SIDE);
            int columns = dimension(name, data.readInt(), "columns", MAX_SIDE);
            long expected = (long) count * rows * columns;
            if (expected > MAX_BYTES) {
                throw new DataException(name + ": header promises " + count + " images of " + rows + "x" + columns
                        + " (" + expected + " bytes), more than can be loaded");
            }
            byte[] pixels = body(name, data, expected, count + " images of " + rows + "x" + columns, rows * columns);
            return new IdxImages(count, rows, columns, pixels, hex(digest));
        });
    }

    public static IdxLabels readLabels(Path file) {
        return read(file, (name, data, digest) -> {
            expectMagic(name, data.readInt(), LABELS_MAGIC, "labels");
            int count = dimension(name, data.readInt(), "label count", (int) MAX_BYTES);
            byte[] labels = body(name, data, count, count + " labels", 1);
            return new IdxLabels(labels, hex(digest));
        });
    }

    /** Hex SHA-256 of a file's decompressed content, as {@code zcat FILE | sha256sum} prints it. */
    public static String sha256OfContent(Path file) {
        return read(file, (name, data, digest) -> {
            data.transferTo(OutputStream.nullOutputStream());
            return hex(digest);
        });
    }

    private interface Body<T> {
        T read(String name, DataInputStream data, MessageDigest digest) throws IOException;
    }

    private static <T> T read(Path file, Body<T> body) {
        String name = file.toString();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            MessageDigest digest = sha256();
            InputStream content = isGzip(raw) ? new GZIPInputStream(raw, BUFFER) : raw;
            return body.read(name, new DataInputStream(new DigestInputStream(content, digest)), digest);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": file not found");
        } catch (EOFException e) {
            throw new DataException(name + ": file ends inside its header (empty, or a truncated gzip stream)");
        } catch (ZipException e) {
            throw new DataException(name + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataException(name + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b;
    }

    private static void expectMagic(String name, int magic, int expected, String what) {
        if (magic == expected) {
            return;
        }
        String found = switch (magic) {
            case IMAGES_MAGIC -> "an IDX image file";
            case LABELS_MAGIC -> "an IDX label file";
            default -> "not an IDX file of unsigned bytes";
        };
        throw new DataException(String.format(
                "%s: magic number 0x%08X (%s), expected 0x%08X for IDX %s", name, magic, found, expected, what));
    }

    private static int dimension(String name, int value, String what, int max) {
        if (value <= 0 || value > max) {
            throw new DataException(name + ": header gives " + what + " " + Integer.toUnsignedString(value)
                    + ", expected 1.." + max);
        }
        return value;
    }

    private static byte[] body(String name, DataInputStream data, long expected, String promise, int recordSize)
            throws IOException {
        byte[] bytes;
        try {
            bytes = data.readNBytes((int) expected);
        } catch (EOFException e) {
            throw new DataException(name + ": truncated: the gzip stream ends while reading the " + promise
                    + " its header promises");
        }
        if (bytes.length < expected) {
            throw new DataException(name + ": truncated: header promises " + promise + " (" + expected
                    + " bytes) but only " + bytes.length + " bytes follow (" + bytes.length / recordSize
                    + " whole records)");
        }
        if (data.read() != -1) {
            throw new DataException(name + ": has extra bytes after the " + promise + " its header promises");
        }
        return bytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
