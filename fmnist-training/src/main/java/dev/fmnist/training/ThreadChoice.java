package dev.fmnist.training;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the {@link Parallelism} a training runs fastest with, by timing its own batches: which wins depends on the
 * model and the CPU (docs/BENCHMARKS.md), so no fixed rule holds. After a warm-up with all the threads, blocks of
 * batches alternate between the candidates ({@link TrainingThreads#candidates}, in ABBA order against drift); the
 * first round is not counted (oneDNN makes its kernels anew for each thread count), the best median images/s of
 * the others wins, and a later candidate (more threads, then data parallelism) only when clearly faster, since a
 * free core serves the JVM's own work. Intra-op threads change no result beyond floating-point rounding; data
 * parallelism changes what batch normalization and Adam see a little ({@link DataParallel}). A run to reproduce to
 * the last bit fixes the count ({@code train.threads=N}).
 */
final class ThreadChoice {

    private static final Logger log = LoggerFactory.getLogger(ThreadChoice.class);

    static final int WARMUP = 5;
    static final int BLOCK = 4;
    /** Counted rounds, after the first: BA AB BA AB, so each candidate runs first as often as second. */
    static final int ROUNDS = 4;

    private final List<Parallelism> candidates;
    private final Consumer<Parallelism> apply;
    private final double[][] rates;
    private int batch;
    private long blockNanos;
    private long blockImages;
    private Parallelism chosen;
    private Parallelism applied;
    /** All the threads on the network itself: the warm-up, and the fallback of a training too short to measure. */
    private final Parallelism fallback;

    private ThreadChoice(List<Parallelism> candidates, Consumer<Parallelism> apply) {
        this.candidates = candidates;
        this.apply = apply;
        this.fallback = candidates.stream().filter(c -> !c.dataParallel()).reduce((a, b) -> b).orElse(null);
        this.rates = new double[candidates.size()][ROUNDS + 1];
        if (candidates.size() == 1) {
            chosen = candidates.get(0);
        }
    }

    /** What {@code setting} asks for with {@code available} threads; {@code apply} sets a count for what follows. */
    static ThreadChoice of(TrainingThreads setting, int available, Consumer<Parallelism> apply) {
        return switch (setting.kind()) {
            case INHERIT -> new ThreadChoice(List.of(), apply);
            case FIXED -> {
                ThreadChoice fixed = new ThreadChoice(List.of(setting.within(available)), apply);
                fixed.set(fixed.chosen);
                log.info("Training with {}{}, as train.threads says{}", fixed.chosen,
                        fixed.chosen.dataParallel() ? " (data parallel)" : "", fixed.chosen.equals(setting.fixed())
                                ? "" : " (" + setting.text() + ", within the " + available + " threads here)");
                yield fixed;
            }
            case AUTO -> {
                ThreadChoice auto = new ThreadChoice(TrainingThreads.candidates(available), apply);
                auto.set(auto.fallback);
                yield auto;
            }
        };
    }

    /** The parallelism chosen, once there is one. */
    Optional<Parallelism> chosen() {
        return Optional.ofNullable(chosen);
    }

    /**
     * Ends a measurement the training was too short to finish: back to all the threads, where the warm-up ran,
     * rather than whichever candidate the last block tried.
     */
    void finish() {
        if (chosen == null && !candidates.isEmpty()) {
            chosen = fallback;
            set(chosen);
            log.debug("The training ended before its thread counts were measured; {} from now", chosen);
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
        double[] medians = new double[candidates.size()];
        for (int c = 0; c < candidates.size(); c++) {
            double[] sorted = Arrays.copyOfRange(rates[c], 1, ROUNDS + 1);
            Arrays.sort(sorted);
            medians[c] = (sorted[ROUNDS / 2 - 1] + sorted[ROUNDS / 2]) / 2;
        }
        chosen = candidates.get(Parallelism.fastest(medians));
        set(chosen);
        if (log.isDebugEnabled()) {
            log.debug("Images/s of each candidate's blocks, round by round (the first not counted): {}",
                    Arrays.deepToString(rates));
        }
        StringBuilder measured = new StringBuilder();
        for (int c = 0; c < candidates.size(); c++) {
            measured.append(c == 0 ? "" : ", ").append(candidates.get(c))
                    .append(String.format(" %,.0f img/s", medians[c]));
        }
        log.info("Training with {}{}, the fastest here ({}; medians of {} rounds of {} batches)", chosen,
                chosen.dataParallel() ? " (data parallel)" : "", measured, ROUNDS, BLOCK);
    }

    private void set(Parallelism parallelism) {
        if (!parallelism.equals(applied)) {
            apply.accept(parallelism);
            applied = parallelism;
        }
    }
}
