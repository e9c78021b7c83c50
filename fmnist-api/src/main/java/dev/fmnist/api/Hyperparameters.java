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

    /** Whether the key is set. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A number greater than zero, such as a learning rate. */
    public double positive(String key) {
        double value = doubleValue(key);
        if (value <= 0) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + value + " must be positive");
        }
        return value;
    }

    /** A number of at least zero, such as a weight-decay factor. */
    public double nonNegative(String key) {
        double value = doubleValue(key);
        if (value < 0) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + value + " must not be negative");
        }
        return value;
    }

    /** A share in [0, 1), such as a dropout probability. */
    public double fraction(String key) {
        double value = doubleValue(key);
        if (value < 0 || value >= 1) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + value + " must be in [0, 1)");
        }
        return value;
    }

    /** A whole number in {@code [min, max]}, such as a layer width. */
    public int intInRange(String key, int min, int max) {
        int value = intValue(key);
        if (value < min || value > max) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + value + " must be in " + min + ".."
                    + max);
        }
        return value;
    }

    /** One of the allowed words, such as an optimizer's name. */
    public String oneOf(String key, String... allowed) {
        String value = string(key);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException("hyperparameter '" + key + "' = '" + value + "' is not one of "
                + String.join(", ", allowed));
    }

    /** Values in key order, for manifests and logs. */
    public Map<String, String> sorted() {
        return new TreeMap<>(values);
    }
}
