package dev.fmnist.training;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code train.threads} setting: how trainings use the cores, per model where the models differ (on one CPU the
 * cnn trains fastest with 1 thread while the resnet wants 2 data-parallel workers), written
 * {@code cnn:1, resnet:2x1, auto}: {@code MODEL:SETTING} entries and at most one bare setting for every other model
 * (auto when none is given). {@code fmnist bench threads --write} writes it from its measurements.
 *
 * @param others what a model without an entry of its own trains with
 * @param models the models with an entry, by plugin id
 */
public record ThreadSettings(TrainingThreads others, Map<String, TrainingThreads> models) {

    private static final Pattern MODEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public ThreadSettings {
        requireNonNull(others, "others is null");
        models = Map.copyOf(models);
    }

    /** Every model alike. */
    public static ThreadSettings of(TrainingThreads all) {
        return new ThreadSettings(all, Map.of());
    }

    /**
     * Reads the setting's text.
     *
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    public static ThreadSettings parse(String value) {
        TrainingThreads others = null;
        Map<String, TrainingThreads> models = new LinkedHashMap<>();
        for (String entry : value.split(",", -1)) {
            String text = entry.strip();
            int colon = text.indexOf(':');
            if (colon < 0) {
                if (others != null) {
                    throw new IllegalArgumentException("'" + value + "' has two settings for the other models ('"
                            + others.text() + "' and '" + text + "'): give one, and MODEL:SETTING for the rest");
                }
                others = TrainingThreads.parse(text);
                continue;
            }
            String model = text.substring(0, colon).strip();
            if (!MODEL.matcher(model).matches()) {
                throw new IllegalArgumentException("'" + text + "' does not start with a model id (lower-case "
                        + "letters, digits, '.', '_' or '-') before its ':'");
            }
            if (models.put(model, TrainingThreads.parse(text.substring(colon + 1))) != null) {
                throw new IllegalArgumentException("'" + value + "' names " + model + " twice");
            }
        }
        return new ThreadSettings(others == null ? TrainingThreads.auto() : others, models);
    }

    /** What a training of {@code modelId} uses. */
    public TrainingThreads forModel(String modelId) {
        return models.getOrDefault(modelId, others);
    }

    /** With {@code modelId}'s entry set to {@code threads}, the others kept. */
    public ThreadSettings with(String modelId, TrainingThreads threads) {
        Map<String, TrainingThreads> changed = new LinkedHashMap<>(models);
        changed.put(modelId, threads);
        return new ThreadSettings(others, changed);
    }

    /** Every {@code auto} turned into {@code inherit}: the user fixed the threads before the launcher. */
    public ThreadSettings pinned() {
        Map<String, TrainingThreads> changed = new LinkedHashMap<>();
        models.forEach((model, threads) -> changed.put(model, threads.pinned()));
        return new ThreadSettings(others.pinned(), changed);
    }

    /** The text {@link #parse} reads: the models' entries in id order, then the others' setting. */
    public String text() {
        List<String> entries = new ArrayList<>();
        new TreeMap<>(models).forEach((model, threads) -> entries.add(model + ":" + threads.text()));
        if (entries.isEmpty() || others.kind() != TrainingThreads.Kind.AUTO) {
            entries.add(others.text());
        }
        return String.join(", ", entries);
    }
}
