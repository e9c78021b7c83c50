package dev.fmnist.cli.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.configuration2.CompositeConfiguration;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.FileBasedConfiguration;
import org.apache.commons.configuration2.MapConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.YAMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;

/**
 * The configuration in force: an Apache Commons Configuration composite of, highest precedence first,
 * command-line flags, Java system properties, environment variables, the user's file, the installation's
 * {@code conf/fmnist.properties} and the bundled defaults. It remembers which layer gave each value so
 * that every error and {@code fmnist doctor} can say where a value came from.
 */
public final class PlatformConfig {

    private record Layer(String name, Configuration values) {}

    private final List<Layer> layers;
    private final CompositeConfiguration composite = new CompositeConfiguration();

    private final List<String> problems;

    private PlatformConfig(List<Layer> layers, List<String> problems) {
        this.layers = List.copyOf(layers);
        this.problems = List.copyOf(problems);
        for (Layer layer : layers) {
            composite.addConfiguration(layer.values());
        }
    }

    /**
     * Reads every layer. Unreadable files and unknown keys are kept as {@link #problems()}, so that they
     * are reported together with bad values by {@link ConfigReader#check()}.
     */
    public static PlatformConfig load(ConfigSources sources) {
        List<String> problems = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer("command line", checked(new MapConfiguration(new HashMap<>(sources.flags())),
                "on the command line", problems)));
        layers.add(new Layer("system property", known(key -> sources.systemProperties().getProperty(key.systemProperty()))));
        layers.add(new Layer("environment", known(key -> sources.environment().get(key.environmentVariable()))));
        sources.userFile().ifPresent(file -> readFile(file, true, problems)
                .ifPresent(values -> layers.add(new Layer("file " + file, checked(values, "in " + file, problems)))));
        sources.installationFile().ifPresent(file -> readFile(file, false, problems)
                .ifPresent(values -> layers.add(new Layer("file " + file, checked(values, "in " + file, problems)))));
        layers.add(new Layer("default", known(ConfigKey::defaultValue)));
        return new PlatformConfig(layers, problems);
    }

    /** Unreadable files and unknown keys found while loading. */
    public List<String> problems() {
        return problems;
    }

    /** The value of a key after interpolation ({@code ${sys:user.home}}), if any layer sets it. */
    public Optional<String> value(String key) {
        return Optional.ofNullable(composite.getString(key, null)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Which layer gives the key its value: "command line", "env FMNIST_SEED", "file /x.yaml", "default". */
    public String source(ConfigKey key) {
        for (Layer layer : layers) {
            if (layer.values().containsKey(key.name())) {
                return switch (layer.name()) {
                    case "environment" -> "env " + key.environmentVariable();
                    case "system property" -> "system property " + key.systemProperty();
                    default -> layer.name();
                };
            }
        }
        return "unset";
    }

    /** Every known key with its value (secrets masked) and source, in catalog order. */
    public Map<String, String> describe() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            String shown = value(key.name()).map(v -> key.secret() ? "****" : v).orElse("(unset)");
            lines.put(key.name(), shown + "  [" + source(key) + "]");
        }
        return lines;
    }

    private static MapConfiguration known(java.util.function.Function<ConfigKey, String> lookup) {
        Map<String, Object> values = new HashMap<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            String value = lookup.apply(key);
            if (value != null) {
                values.put(key.name(), value);
            }
        }
        return new MapConfiguration(values);
    }

    private static <C extends Configuration> C checked(C values, String where, List<String> problems) {
        for (Iterator<String> keys = values.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            if (ConfigKeys.byName(key).isEmpty()) {
                problems.add("unknown key '" + key + "' " + where
                        + ConfigKeys.closest(key).map(k -> "; did you mean '" + k + "'?").orElse(""));
            }
        }
        return values;
    }

    private static Optional<Configuration> readFile(Path file, boolean required, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                problems.add("config file " + file + " does not exist");
            }
            return Optional.empty();
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        FileBasedConfiguration values =
                name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLConfiguration() : new PropertiesConfiguration();
        try {
            new FileHandler(values).load(file.toFile());
            return Optional.of(values);
        } catch (ConfigurationException | RuntimeException e) {
            problems.add("config file " + file + " cannot be read: " + rootMessage(e));
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage().replace('\n', ' ');
    }
}
