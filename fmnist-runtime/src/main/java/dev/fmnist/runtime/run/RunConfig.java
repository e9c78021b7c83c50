package dev.fmnist.runtime.run;

import dev.fmnist.data.prep.Normalization;
import java.util.Map;

/**
 * The resolved configuration of a run, written as {@code config.json} when it starts and read back by
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
        String startedAt) {

    public RunConfig {
        hyperparameters = Map.copyOf(hyperparameters);
    }
}
