package dev.fmnist.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * The resolved hyperparameters of one build: a plugin's defaults with the user's overrides applied.
 * Values are kept as the user wrote them; the typed getters say which key was wrong and why.
 */
public record Hyperparameters(Map<String, String> values) {

    public Hyperparameters {
        values = Map.copyOf(requireNonNull(values, "values is null"));
    }

    public static Hyperparameters of(Map<String, String> values) {
        return new Hyperparameters(values);
    }

    public String string(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' is not set; known: " + sorted().keySet());
        }
        return value.trim();
    }

    public double doubleValue(String key) {
        String value = string(key);
        try {
            double parsed = Double.parseDouble(value);
            if (!Double.isFinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = '" + value + "' is not a finite number");
        }
    }

    public int intValue(String key) {
        String value = string(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = '" + value + "' is not a whole number");
        }
    }

    /** Values in key order, for manifests and logs. */
    public Map<String, String> sorted() {
        return new TreeMap<>(values);
    }
}
