package dev.fmnist.tune.space;

import dev.fmnist.tune.space.Distribution.Categorical;
import dev.fmnist.tune.space.Distribution.FloatRange;
import dev.fmnist.tune.space.Distribution.IntRange;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The parameters a study searches, in the order written. In YAML, one entry per parameter:
 *
 * <pre>
 * lr:      {type: float, low: 1.0e-4, high: 0.1, log: true}
 * width:   {type: int, low: 16, high: 64}
 * augment: {type: categorical, choices: [none, "crop:2,flip"]}
 * </pre>
 */
public record SearchSpace(Map<String, Distribution> parameters) {

    private static final Set<String> KEYS = Set.of("type", "low", "high", "log", "choices");

    public SearchSpace {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("the search space has no parameter");
        }
    }

    /**
     * One value a trial may take for each parameter (its range's low end, its first choice), as text: what a caller
     * checks the names and values against before any trial runs.
     */
    public Map<String, String> firstValues() {
        Map<String, String> values = new LinkedHashMap<>();
        parameters.forEach((name, distribution) -> {
            Object first;
            if (distribution instanceof Distribution.FloatRange range) {
                first = range.low();
            } else if (distribution instanceof Distribution.IntRange range) {
                first = range.low();
            } else {
                first = ((Distribution.Categorical) distribution).choices().get(0);
            }
            values.put(name, String.valueOf(first));
        });
        return values;
    }

    /** @throws IllegalArgumentException naming the file, the parameter and what is wrong */
    public static SearchSpace read(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parse(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the search space " + file + ": " + e.getMessage(), e);
        }
    }

    public static SearchSpace parse(Reader yaml, String where) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(where + " is not valid YAML: " + e.getMessage(), e);
        }
        return of(document, where);
    }

    /** The space of a YAML document already loaded: a map of parameter names to their ranges. */
    public static SearchSpace of(Object document, String where) {
        if (!(document instanceof Map<?, ?> entries)) {
            throw new IllegalArgumentException(where + " must map parameter names to their ranges, e.g. "
                    + "'lr: {type: float, low: 1.0e-4, high: 0.1, log: true}'");
        }
        Map<String, Distribution> parameters = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String name = String.valueOf(entry.getKey());
            try {
                parameters.put(name, distribution(entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ", parameter '" + name + "': " + e.getMessage(), e);
            }
        }
        try {
            return new SearchSpace(parameters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static Distribution distribution(Object value) {
        if (!(value instanceof Map<?, ?> spec)) {
            throw new IllegalArgumentException("expected {type: float|int|categorical, ...}, got '" + value + "'");
        }
        for (Object key : spec.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("unknown key '" + key + "'; known: " + KEYS);
            }
        }
        String type = String.valueOf(spec.get("type"));
        boolean log = Boolean.TRUE.equals(spec.get("log"));
        return switch (type) {
            case "float" -> new FloatRange(number(spec, "low"), number(spec, "high"), log);
            case "int" -> new IntRange(whole(spec, "low"), whole(spec, "high"), log);
            case "categorical" -> {
                if (!(spec.get("choices") instanceof List<?> choices)) {
                    throw new IllegalArgumentException("a categorical parameter needs 'choices: [a, b, ...]'");
                }
                List<String> strings = new ArrayList<>();
                choices.forEach(choice -> strings.add(String.valueOf(choice)));
                yield new Categorical(strings);
            }
            default -> throw new IllegalArgumentException("type must be float, int or categorical, got '" + type + "'");
        };
    }

    private static double number(Map<?, ?> spec, String key) {
        Object value = spec.get(key);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s); // YAML 1.1 reads 1e-4 (no dot) as a string
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException("'" + key + "' must be a number, got '" + value + "'");
    }

    private static long whole(Map<?, ?> spec, String key) {
        double value = number(spec, key);
        if (value != Math.rint(value)) {
            throw new IllegalArgumentException("'" + key + "' of an int parameter must be whole, got " + value);
        }
        return (long) value;
    }
}
