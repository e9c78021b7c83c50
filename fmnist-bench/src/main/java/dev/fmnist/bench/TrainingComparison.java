package dev.fmnist.bench;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.SplitData;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Training images/s of a model in three set-ups, alternated round by round so that all see the same machine: a plain
 * DL4J loop ({@code net.fit} over batches already in memory, no listeners, no validation) as DL4J runs it by default,
 * with its layer helpers off; the engine with the helpers off; and the engine with the oneDNN helpers on, as the
 * platform trains. The ratios are what to quote. Leaves the helpers switched as it found them.
 */
public final class TrainingComparison {

    /**
     * Medians of one model's rounds, in images/s: the plain loop, and the engine's training phase and whole epoch
     * (with validation and both checkpoints), helpers off and on.
     */
    public record Figures(String model, int images, String batchSize, double plain, double engineOff,
            double engineOffEpoch, double engineOn, double engineOnEpoch) {}

    private final TrainingEngine engine;
    private final long seed;
    private final int repeat;
    private final boolean progress;

    /** @param progress draw the engine's progress bar, so that its cost is counted */
    public TrainingComparison(TrainingEngine engine, long seed, int repeat, boolean progress) {
        this.engine = engine;
        this.seed = seed;
        this.repeat = repeat;
        this.progress = progress;
    }

    /** One epoch over {@code split}'s training images in each set-up, {@code repeat} times; runs go under {@code runs}. */
    public Figures measure(RegisteredPlugin plugin, SplitData split, Path runs) {
        boolean configured = LayerHelpers.enabled();
        try {
            int used = split.train().count();
            // warm-up: JIT and native libraries, both paths
            LayerHelpers.enable(false);
            PlainTrainingLoop.imagesPerSecond(plugin, seed, split.train(), Math.min(used, 1_000));
            LayerHelpers.enable(true);
            PlainTrainingLoop.imagesPerSecond(plugin, seed, split.train(), Math.min(used, 1_000));
            double[] plain = new double[repeat];
            double[][] off = new double[2][repeat];
            double[][] on = new double[2][repeat];
            for (int round = 0; round < repeat; round++) {
                LayerHelpers.enable(false);
                plain[round] = PlainTrainingLoop.imagesPerSecond(plugin, seed, split.train(), used);
                engineEpoch(plugin.id(), used, runs.resolve("off-" + round), off, round);
                LayerHelpers.enable(true);
                engineEpoch(plugin.id(), used, runs.resolve("on-" + round), on, round);
            }
            String batchSize = Integer.toString(ModelBuilder.batchSize(ModelBuilder.resolve(plugin, Map.of())));
            return new Figures(plugin.id(), used, batchSize, Medians.of(plain), Medians.of(off[0]),
                    Medians.of(off[1]), Medians.of(on[0]), Medians.of(on[1]));
        } finally {
            LayerHelpers.enable(configured);
        }
    }

    /** One epoch of the engine: [0] the training phase, [1] the whole epoch with validation and both checkpoints. */
    private void engineEpoch(String model, int used, Path run, double[][] into, int round) {
        TrainingRequest request = new TrainingRequest(model, Map.of(), OptionalInt.of(1), OptionalInt.of(0),
                OptionalInt.of(used), Optional.of(run), Optional.empty(), progress);
        RunSummary summary = engine.train(request);
        into[0][round] = summary.trainingImagesPerSecond();
        EpochMetrics[] history = Json.read(new RunDirectory(run).historyJson(), EpochMetrics[].class);
        into[1][round] = used / (history[0].epochMillis() / 1000.0);
    }
}
