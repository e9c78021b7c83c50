package dev.fmnist.runtime.run;

import dev.fmnist.image.encode.Normalization;
import java.util.Map;

/**
 * The resolved configuration of a run ({@code augmentation}: the canonical spec, {@code none} for none; null in
 * runs started before it was recorded), written as {@code config.json} when it starts and read back by
 * {@code --resume}, so a resumed run continues with exactly the same settings.
 */
public record RunConfig(
        String modelId,
        Map<String, String> hyperparameters,
        int batchSize,
        long seed,
        int epochs,
        int patience,
        String monitor,
        double minDelta,
        boolean restoreBest,
        int trainImages,
        int validationImages,
        double validationFraction,
        Normalization normalization,
        String dataSource,
        String platformVersion,
        String startedAt,
        String augmentation) {

    public RunConfig {
        hyperparameters = Map.copyOf(hyperparameters);
    }
}
