package dev.fmnist.training;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the native thread count a training runs fastest with, by timing its own batches: which count wins depends
 * on the model and the CPU (on 2 cores the cnn trains fastest with 1 OpenMP thread, the deep-cnn and the resnet
 * with 2; docs/BENCHMARKS.md), so no fixed rule holds. After a warm-up, blocks of batches alternate between the
 * candidates (1, half and all of the threads, in ABBA order against drift); the first round is not counted
 * (oneDNN makes its kernels anew for each thread count), the best median images/s of the others wins, and more
 * threads only when they are clearly faster, since a free core serves the JVM's own work.
 * Threads change no result beyond floating-point rounding: a run to reproduce to the last bit fixes the count.
 */
final class ThreadChoice {

    private static final Logger log = LoggerFactory.getLogger(ThreadChoice.class);

    static final int WARMUP = 5;
    static final int BLOCK = 4;
    /** Counted rounds, after the first: BA AB BA AB, so each candidate runs first as often as second. */
    static final int ROUNDS = 4;
    /** More threads must train at least this much faster to be chosen. */
    static final double MARGIN = 1.05;

    private final List<Integer> candidates;
    private final IntConsumer apply;
    private final double[][] rates;
    private int batch;
    private long blockNanos;
    private long blockImages;
    private Integer chosen;
    private int applied;

    private ThreadChoice(List<Integer> candidates, IntConsumer apply) {
        this.candidates = candidates;
        this.apply = apply;
        this.rates = new double[candidates.size()][ROUNDS + 1];
        if (candidates.size() == 1) {
            chosen = candidates.get(0);
        }
    }

    /** What {@code setting} asks for with {@code available} threads; {@code apply} sets a count for what follows. */
    static ThreadChoice of(TrainingThreads setting, int available, IntConsumer apply) {
        return switch (setting.kind()) {
            case INHERIT -> new ThreadChoice(List.of(), apply);
            case FIXED -> {
                ThreadChoice fixed = new ThreadChoice(List.of(Math.min(setting.count(), available)), apply);
                fixed.set(fixed.chosen);
                yield fixed;
            }
            case AUTO -> {
                List<Integer> counts = TrainingThreads.candidates(available);
                ThreadChoice auto = new ThreadChoice(counts, apply);
                auto.set(counts.get(counts.size() - 1));
                yield auto;
            }
        };
    }

    /** The count chosen, once there is one. */
    Optional<Integer> chosen() {
        return Optional.ofNullable(chosen);
    }

    /**
     * Ends a measurement the training was too short to finish: back to all the threads, where the warm-up ran,
     * rather than whichever candidate the last block tried.
     */
    void finish() {
        if (chosen == null && !candidates.isEmpty()) {
            chosen = candidates.get(candidates.size() - 1);
            set(chosen);
            log.debug("The training ended before its thread counts were measured; {} threads from now", chosen);
        }
    }

    /** Sets the count the next batch trains with. */
    void beforeBatch() {
        if (chosen != null || candidates.isEmpty()) {
            return;
        }
        int measured = batch - WARMUP;
        if (measured >= 0) {
            set(candidates.get(candidate(measured / BLOCK)));
        }
    }

    /** Records a batch of {@code images} that took {@code nanos}. */
    void afterBatch(int images, long nanos) {
        if (chosen != null || candidates.isEmpty()) {
            return;
        }
        int measured = batch++ - WARMUP;
        if (measured < 0) {
            return;
        }
        blockNanos += nanos;
        blockImages += images;
        if ((measured + 1) % BLOCK != 0) {
            return;
        }
        int block = measured / BLOCK;
        rates[candidate(block)][block / candidates.size()] = blockImages / (blockNanos / 1e9);
        blockNanos = 0;
        blockImages = 0;
        if (block + 1 == (ROUNDS + 1) * candidates.size()) {
            choose();
        }
    }

    /** ABBA: the candidates in order in even rounds, in reverse in odd ones. */
    private int candidate(int block) {
        int round = block / candidates.size();
        int slot = block % candidates.size();
        return round % 2 == 0 ? slot : candidates.size() - 1 - slot;
    }

    private void choose() {
        int best = 0;
        double[] medians = new double[candidates.size()];
        for (int c = 0; c < candidates.size(); c++) {
            double[] sorted = Arrays.copyOfRange(rates[c], 1, ROUNDS + 1);
            Arrays.sort(sorted);
            medians[c] = (sorted[ROUNDS / 2 - 1] + sorted[ROUNDS / 2]) / 2;
            if (medians[c] > medians[best] * MARGIN) {
                best = c;
            }
        }
        chosen = candidates.get(best);
        set(chosen);
        StringBuilder measured = new StringBuilder();
        for (int c = 0; c < candidates.size(); c++) {
            measured.append(c == 0 ? "" : ", ").append(candidates.get(c)).append(candidates.get(c) == 1 ? " thread " :
                    " threads ").append(String.format("%,.0f img/s", medians[c]));
        }
        log.info("Training with {} native thread{}, the fastest here ({}; medians of {} rounds of {} batches)",
                chosen, chosen == 1 ? "" : "s", measured, ROUNDS, BLOCK);
    }

    private void set(int threads) {
        if (threads != applied) {
            apply.accept(threads);
            applied = threads;
        }
    }
}
