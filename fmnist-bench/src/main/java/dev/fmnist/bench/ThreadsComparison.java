package dev.fmnist.bench;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.training.Parallelism;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Which way of using the cores trains a model fastest on this machine, by whole epochs: each candidate (1 thread, all
 * threads, 2 data-parallel workers...) trains a short run of its own, fixed, for two epochs, and the second epoch's
 * training images/s count (the first makes oneDNN's kernels and warms the JIT). Candidates alternate round by round,
 * in ABBA order against a machine whose speed drifts; the medians decide with the training's own rule
 * ({@link Parallelism#fastest}). A training's {@code train.threads=auto} decides from a few batches; this takes
 * minutes and is what to write into the configuration.
 */
public final class ThreadsComparison {

    /**
     * One model's figures.
     *
     * @param imagesPerSecond each candidate's median, in the candidates' order
     * @param chosen          the fastest by the training's rule
     */
    public record Figures(String model, int images, List<Parallelism> candidates, double[] imagesPerSecond,
            Parallelism chosen) {}

    private final Function<Parallelism, TrainingEngine> engines;
    private final List<Parallelism> candidates;
    private final int rounds;

    /**
     * @param engines    an engine that trains with the given parallelism, fixed
     * @param candidates what to compare, in {@link dev.fmnist.training.TrainingThreads#candidates} order
     */
    public ThreadsComparison(Function<Parallelism, TrainingEngine> engines, List<Parallelism> candidates, int rounds) {
        if (candidates.isEmpty() || rounds < 1) {
            throw new IllegalArgumentException("at least one candidate and one round");
        }
        this.engines = engines;
        this.candidates = List.copyOf(candidates);
        this.rounds = rounds;
    }

    /** Two epochs of {@code images} training images per candidate and round; runs go under {@code runs}. */
    public Figures measure(String model, int images, Path runs) {
        double[][] rates = new double[candidates.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int slot = 0; slot < candidates.size(); slot++) {
                int c = round % 2 == 0 ? slot : candidates.size() - 1 - slot;
                Path run = runs.resolve(model + "-" + candidates.get(c).text() + "-" + round);
                rates[c][round] = secondEpoch(engines.apply(candidates.get(c)), model, images, run);
            }
        }
        double[] medians = new double[candidates.size()];
        for (int c = 0; c < candidates.size(); c++) {
            medians[c] = Medians.of(rates[c]);
        }
        return new Figures(model, images, candidates, medians, candidates.get(Parallelism.fastest(medians)));
    }

    private static double secondEpoch(TrainingEngine engine, String model, int images, Path run) {
        engine.train(new TrainingRequest(model, Map.of(), OptionalInt.of(2), OptionalInt.of(0), OptionalInt.of(images),
                Optional.of(run), Optional.empty(), false));
        EpochMetrics[] history = Json.read(new RunDirectory(run).historyJson(), EpochMetrics[].class);
        return history[1].imagesPerSecond();
    }
}
