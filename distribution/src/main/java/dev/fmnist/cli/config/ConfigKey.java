package dev.fmnist.cli.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One configuration key.
 *
 * @param name         dotted name, as written in property files and {@code --conf}
 * @param defaultValue the bundled default, or {@code null} for none
 * @param description  one line for the README and {@code conf/fmnist.properties}
 * @param secret       masked wherever configuration is shown
 */
public record ConfigKey(String name, String defaultValue, String description, boolean secret) {

    public ConfigKey {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
    }

    /** The environment variable that sets this key: {@code data.cache-dir} is {@code FMNIST_DATA_CACHE_DIR}. */
    public String environmentVariable() {
        return "FMNIST_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The Java system property that sets this key: {@code -Dfmnist.data.dir=...}. */
    public String systemProperty() {
        return "fmnist." + name;
    }
}
