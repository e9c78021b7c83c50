package dev.fmnist.cli.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Sets one key of a {@code .properties} file the way a person would: the key's line replaced where it is, or written
 * under its commented-out default (as {@code conf/fmnist.properties} lists every key), or appended; every other line,
 * comments included, kept as it was. The file is replaced in one move, so a crash leaves the old one or the new one.
 */
public final class PropertiesFileEdit {

    private PropertiesFileEdit() {}

    /** The key's value in {@code file}, if the file exists and sets it. */
    public static Optional<String> get(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return Optional.ofNullable(properties.getProperty(key));
    }

    /** Writes {@code key = value} into {@code file}, creating it when missing. */
    public static void set(Path file, String key, String value) throws IOException {
        String line = key + " = " + value;
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
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
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            Files.write(temporary, edited, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
