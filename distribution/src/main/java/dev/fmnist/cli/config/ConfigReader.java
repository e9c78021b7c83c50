package dev.fmnist.cli.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Typed reading of configuration values that collects every problem instead of stopping at the first:
 * read all values, then call {@link #check()}, which throws one {@link ConfigException} listing each
 * bad key with its value, its source and what is expected.
 */
public final class ConfigReader {

    private final PlatformConfig config;
    private final List<String> problems = new ArrayList<>();

    public ConfigReader(PlatformConfig config) {
        this.config = config;
        problems.addAll(config.problems());
    }

    public void check() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    public Optional<String> optionalString(ConfigKey key) {
        return config.value(key.name());
    }

    public String string(ConfigKey key) {
        Optional<String> value = config.value(key.name());
        if (value.isEmpty()) {
            problems.add(key.name() + " is not set; expected " + key.description().toLowerCase(Locale.ROOT));
            return "";
        }
        return value.get();
    }

    public long longValue(ConfigKey key) {
        String value = string(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return bad(key, value, "a whole number", 0L);
        }
    }

    public int intAtLeast(ConfigKey key, int min) {
        String value = string(key);
        try {
            int parsed = Integer.parseInt(value);
            return parsed >= min ? parsed : bad(key, value, "a whole number >= " + min, min);
        } catch (NumberFormatException e) {
            return bad(key, value, "a whole number >= " + min, min);
        }
    }

    public int intBetween(ConfigKey key, int min, int max) {
        String value = string(key);
        try {
            int parsed = Integer.parseInt(value);
            return parsed >= min && parsed <= max ? parsed : bad(key, value, "a whole number from " + min + " to " + max, min);
        } catch (NumberFormatException e) {
            return bad(key, value, "a whole number from " + min + " to " + max, min);
        }
    }

    public long longAtLeast(ConfigKey key, long min) {
        String value = string(key);
        try {
            long parsed = Long.parseLong(value);
            return parsed >= min ? parsed : bad(key, value, "a whole number >= " + min, min);
        } catch (NumberFormatException e) {
            return bad(key, value, "a whole number >= " + min, min);
        }
    }

    /** A number in the open interval (low, high). */
    public double doubleBetween(ConfigKey key, double low, double high) {
        String value = string(key);
        String expected = "a number greater than " + low + " and less than " + high;
        try {
            double parsed = Double.parseDouble(value);
            return parsed > low && parsed < high ? parsed : bad(key, value, expected, (low + high) / 2);
        } catch (NumberFormatException e) {
            return bad(key, value, expected, (low + high) / 2);
        }
    }

    /** A share: a number from 0 to 1, both included. */
    public double share(ConfigKey key) {
        String value = string(key);
        String expected = "a number from 0 to 1";
        try {
            double parsed = Double.parseDouble(value);
            return parsed >= 0 && parsed <= 1 ? parsed : bad(key, value, expected, 0.0);
        } catch (NumberFormatException e) {
            return bad(key, value, expected, 0.0);
        }
    }

    public double doubleAtLeast(ConfigKey key, double min) {
        String value = string(key);
        try {
            double parsed = Double.parseDouble(value);
            return parsed >= min && Double.isFinite(parsed) ? parsed : bad(key, value, "a number >= " + min, min);
        } catch (NumberFormatException e) {
            return bad(key, value, "a number >= " + min, min);
        }
    }

    public String oneOf(ConfigKey key, String... allowed) {
        String value = string(key);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        return bad(key, value, "one of " + String.join(", ", allowed), allowed[0]);
    }

    public boolean bool(ConfigKey key) {
        String value = string(key).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> bad(key, value, "true or false", false);
        };
    }

    public Optional<Path> optionalPath(ConfigKey key) {
        return config.value(key.name()).map(value -> toPath(key, value));
    }

    public Path path(ConfigKey key) {
        return toPath(key, string(key));
    }

    public URI httpUrl(ConfigKey key) {
        String value = string(key);
        try {
            URI uri = new URI(value.endsWith("/") ? value : value + "/");
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                return bad(key, value, "an http:// or https:// URL", URI.create("http://localhost/"));
            }
            return uri;
        } catch (URISyntaxException e) {
            return bad(key, value, "an http:// or https:// URL", URI.create("http://localhost/"));
        }
    }

    /** One of the enum's constants, written in lower case with dashes ({@code standardize}). */
    public <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
        String value = string(key);
        for (E constant : type.getEnumConstants()) {
            if (name(constant).equals(value.toLowerCase(Locale.ROOT))) {
                return constant;
            }
        }
        String expected = "one of " + Arrays.stream(type.getEnumConstants()).map(ConfigReader::name)
                .collect(Collectors.joining(", "));
        return bad(key, value, expected, type.getEnumConstants()[0]);
    }

    /** A problem found while reading, reported with the others. */
    public void problem(ConfigKey key, String message) {
        problems.add(key.name() + " (from " + config.source(key) + "): " + message);
    }

    public static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private Path toPath(ConfigKey key, String value) {
        try {
            return Path.of(value.startsWith("~/") ? System.getProperty("user.home") + value.substring(1) : value);
        } catch (InvalidPathException e) {
            return bad(key, value, "a file system path", Path.of("."));
        }
    }

    private <T> T bad(ConfigKey key, String value, String expected, T placeholder) {
        problems.add(key.name() + " = '" + value + "' (from " + config.source(key) + "): expected " + expected);
        return placeholder;
    }
}
