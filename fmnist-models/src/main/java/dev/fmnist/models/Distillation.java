package dev.fmnist.models;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.runtime.predict.Temperature;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Knowledge distillation (Hinton et al., "Distilling the Knowledge in a Neural Network", 2015): a student trains on a
 * mix of each image's label and a teacher model's probabilities for it, softened by a temperature. The teacher
 * answers once for every training image before the first epoch (the image as it is, not augmented), so a slow
 * ensemble teaches at no cost per batch.
 *
 * <p>Softening: the teacher's probabilities {@code p} become {@code p^(1/T)} renormalized, which is exactly
 * {@code softmax(z / T)} for a single network's logits {@code z}, and for an ensemble the same flattening of its
 * averaged probabilities. The student's own outputs stay at temperature 1 (its softmax output layer and
 * cross-entropy take the soft targets as they are).
 *
 * @param teacher     the teacher's model file or run folder (an ensemble folder works as any run)
 * @param temperature {@code T} above, at least 1 softens; {@value #DEFAULT_TEMPERATURE} by default
 * @param weight      the teacher's share of each target, in (0, 1]; the label has the rest; {@value #DEFAULT_WEIGHT}
 *                    by default
 */
public record Distillation(Path teacher, double temperature, double weight) {

    public static final String TEACHER = "teacher";
    public static final String TEMPERATURE = "teacher-temperature";
    public static final String WEIGHT = "teacher-weight";
    public static final double DEFAULT_TEMPERATURE = 2;
    public static final double DEFAULT_WEIGHT = 0.7;

    public Distillation {
        requireNonNull(teacher, "teacher is null");
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("hyperparameter '" + TEMPERATURE + "' = " + temperature
                    + " must be a positive number");
        }
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("hyperparameter '" + WEIGHT + "' = " + weight + " must be in (0, 1]");
        }
    }

    /** The distillation a model's hyperparameters ask for: none without a {@value #TEACHER}. */
    public static Optional<Distillation> of(Hyperparameters resolved) {
        if (!resolved.has(TEACHER)) {
            for (String key : new String[] {TEMPERATURE, WEIGHT}) {
                if (resolved.has(key)) {
                    throw new IllegalArgumentException("hyperparameter '" + key + "' needs a teacher: set '" + TEACHER
                            + "' to a trained model (or use fmnist distill)");
                }
            }
            return Optional.empty();
        }
        String teacher = resolved.string(TEACHER).trim();
        if (teacher.isEmpty()) {
            throw new IllegalArgumentException("hyperparameter '" + TEACHER + "' is empty; it names a trained model");
        }
        return Optional.of(new Distillation(Path.of(teacher),
                resolved.has(TEMPERATURE) ? resolved.doubleValue(TEMPERATURE) : DEFAULT_TEMPERATURE,
                resolved.has(WEIGHT) ? resolved.doubleValue(WEIGHT) : DEFAULT_WEIGHT));
    }

    /**
     * The targets a teacher's probabilities become, in place: row by row ({@code classes} values each), each raised
     * to {@code 1 / temperature} and renormalized.
     */
    public float[] soften(float[] probabilities, int classes) {
        return Temperature.apply(probabilities, classes, temperature);
    }
}
