package dev.fmnist.cli.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;

/**
 * Sets one key of a {@code .properties} file the way a person would: the key's line replaced where it is, or written
 * under its commented-out default (as {@code conf/fmnist.properties} lists every key), or appended; every other line,
 * comments included, kept as it was. The file is replaced in one move, so a crash leaves the old one or the new one.
 * For {@code .properties} files only: a YAML file is not edited this way.
 */
public final class PropertiesFileEdit {

    private PropertiesFileEdit() {}

    /** The key's value in {@code file} as the platform reads it (the first of a repeated key), if it sets it. */
    public static Optional<String> get(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        PropertiesConfiguration properties = new PropertiesConfiguration();
        try {
            new FileHandler(properties).load(file.toFile());
        } catch (ConfigurationException e) {
            throw new IOException(file + " cannot be read as a properties file: " + e.getMessage(), e);
        }
        return Optional.ofNullable(properties.getString(key));
    }

    /**
     * Writes {@code key = value} into {@code file}, creating it when missing. The file keeps its line endings, its
     * permissions and, through a symbolic link, its place; it is read and written as ISO-8859-1, as properties files
     * are, so other bytes pass through unchanged.
     */
    public static void set(Path file, String key, String value) throws IOException {
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        String text = Files.exists(target) ? Files.readString(target, StandardCharsets.ISO_8859_1) : "";
        String separator = text.contains("\r\n") ? "\r\n" : "\n";
        boolean finalNewline = text.isEmpty() || text.endsWith("\n");
        List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\r?\n", -1));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);  // the empty piece after a final line ending
        }
        String line = key + " = " + value;
        Pattern active = Pattern.compile("\\s*" + Pattern.quote(key) + "\\s*[=:\\s].*|\\s*" + Pattern.quote(key));
        Pattern commented = Pattern.compile("\\s*[#!]\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        List<String> edited = new ArrayList<>();
        int commentedAt = -1;
        boolean written = false;
        for (int i = 0; i < lines.size(); i++) {
            String current = lines.get(i);
            if (active.matcher(current).matches()) {
                while (continues(lines.get(i)) && i + 1 < lines.size()) {
                    i++;  // the old value's continuation lines go with it
                }
                if (!written) {
                    edited.add(line);
                    written = true;
                }
                continue;
            }
            if (commented.matcher(current).matches()) {
                commentedAt = edited.size();
            }
            edited.add(current);
        }
        if (!written) {
            if (commentedAt >= 0) {
                edited.add(commentedAt + 1, line);
            } else {
                edited.add(line);
            }
        }
        Path parent = target.getParent();
        Path temporary = Files.createTempFile(parent, target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, String.join(separator, edited) + (finalNewline ? separator : ""),
                    StandardCharsets.ISO_8859_1);
            if (Files.exists(target) && Files.getFileStore(target).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
            } else if (!Files.exists(target)) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** An odd number of backslashes at the end: the value goes on on the next line. */
    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
