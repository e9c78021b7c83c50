package dev.fmnist.testkit;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * For each hyperparameter a plugin declares, a valid value other than its default, so a test can train once with
 * each key changed: a declared key that breaks training (as the mlp's {@code dropout} once did) then fails the
 * build instead of a user's first run.
 *
 * <p>Values the plugin's test gives win. Otherwise the value is derived from the default: the platform's words
 * ({@code optimizer}, {@code lr-schedule}, {@code augment}) get another word of theirs, {@code true}/{@code false}
 * the other one, {@code 0} becomes {@code 0.1} (a rate or a penalty switched on: a whole-number key whose default
 * is 0 needs a value from the test), a whole number {@code n} becomes {@code n / 2} ({@code 1} becomes {@code 2})
 * and any other number half its value. A key none of these fits is an error that asks the test for a value.
 */
public final class ChangedHyperparameters {

    private ChangedHyperparameters() {}

    /**
     * @param defaults the plugin's {@code defaultHyperparameters()}
     * @param given    values the plugin's test chose for some keys
     * @return key to changed value, for every declared key, in key order
     * @throws IllegalArgumentException naming a key for which no other value can be derived, or a given key the
     *                                  plugin does not declare (a typo would leave a declared key untested)
     */
    public static Map<String, String> of(Map<String, String> defaults, Map<String, String> given) {
        given.keySet().stream().filter(key -> !defaults.containsKey(key)).findFirst().ifPresent(key -> {
            throw new IllegalArgumentException("a changed value for '" + key + "', which the plugin does not declare; "
                    + "it declares " + new TreeMap<>(defaults).keySet());
        });
        Map<String, String> changed = new TreeMap<>();
        defaults.forEach((key, value) -> changed.put(key, given.containsKey(key) ? given.get(key) : derive(key, value)));
        changed.forEach((key, value) -> {
            if (value.equals(defaults.get(key))) {
                throw new IllegalArgumentException("hyperparameter '" + key + "': the changed value '" + value
                        + "' is its default");
            }
        });
        return changed;
    }

    private static String derive(String key, String value) {
        String trimmed = value.trim();
        switch (key) {
            case "optimizer":
                return trimmed.equals("adam") ? "nesterovs" : "adam";
            case "lr-schedule":
                return trimmed.equals("constant") ? "exponential" : "constant";
            case "augment":
                return trimmed.equals("crop:2,flip,erase") ? "none" : "crop:2,flip,erase";
            default:
                break;
        }
        if (trimmed.equals("true") || trimmed.equals("false")) {
            return trimmed.equals("true") ? "false" : "true";
        }
        BigDecimal number;
        try {
            number = new BigDecimal(trimmed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = '" + value + "': no other valid value "
                    + "can be guessed; give one in changedHyperparameters()");
        }
        if (number.signum() == 0) {
            return "0.1";
        }
        boolean whole = trimmed.matches("-?\\d+");
        if (whole) {
            long n = number.longValueExact();
            return Long.toString(n == 1 ? 2 : n / 2);
        }
        return number.divide(BigDecimal.valueOf(2)).stripTrailingZeros().toPlainString();
    }
}
