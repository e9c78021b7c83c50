package dev.fmnist.runtime.run;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** JSON for run files: indented, NaN written as "NaN", unknown fields ignored so newer files still read. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    /** Writes to a temporary file and renames it, so readers never see half a file. */
    public static void write(Path file, Object value) {
        try {
            writeAtomically(file, MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A fresh hidden name beside {@code file}, for writing before an atomic rename. Unlike
     * {@code Files.createTempFile} it does not create the file owner-only, so run files keep the usual
     * permissions of the folder.
     */
    public static Path tempSibling(Path file) {
        return file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
    }

    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path temp = tempSibling(file);
        try {
            Files.write(temp, content);
            replace(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Puts a finished temporary file in place of {@code file}, durably: its bytes reach the disk before the rename
     * (else a crash just after it can leave an empty file under the real name), and the folder's entry after it.
     */
    public static void replace(Path temp, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path folder = file.toAbsolutePath().getParent();
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // some file systems (and platforms) cannot open a folder for syncing; the rename itself stands
        }
    }

    /** Text files (CSV) the same way. */
    public static void writeText(Path file, String text) {
        try {
            writeAtomically(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
