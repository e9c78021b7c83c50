package dev.fmnist.training;

import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.nativecpu.NativeThreads;
import dev.fmnist.runtime.nativecpu.TrainingPasses;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Fits a training's batches with the {@link Parallelism} in force: on the network itself with its native threads,
 * or split over the workers of {@link DataParallel}, made the first time they are asked for. The network's
 * parameters are the training's after every batch either way, so the choice can change between batches.
 */
final class BatchFitter implements AutoCloseable {

    /** A batch's mean loss, and its correct predictions (-1 when the probe could not measure them). */
    record Fitted(double loss, int correct) {
        boolean measured() {
            return correct >= 0;
        }
    }

    private final Network network;
    private final BatchProbe probe;
    private final long seed;
    private Parallelism parallelism;
    private DataParallel dataParallel;
    private long steps;
    private final TrainingPasses passes;

    /** {@code probe} must be the network's listener; {@code seed} seeds the workers' random numbers. */
    BatchFitter(Network network, BatchProbe probe, long seed) {
        this.network = network;
        this.probe = probe;
        this.seed = seed;
        network.keepForwardForBackprop();
        this.passes = TrainingPasses.install(network.model());
    }

    /** Trains the next batches with {@code parallelism}. Until called, with the process's threads as they are. */
    void use(Parallelism parallelism) {
        this.parallelism = parallelism;
        // The calling thread also validates: it keeps all the threads the parallelism occupies.
        NativeThreads.use(parallelism.cores());
        if (parallelism.dataParallel() && (dataParallel == null || !dataParallel.parallelism().equals(parallelism))) {
            closeCopies();
            dataParallel = new DataParallel(network, probe, parallelism, seed);
        }
    }

    /** Frees the copies once the choice is made and is the network alone: they are not needed again. */
    void settle(Parallelism chosen) {
        if (!chosen.dataParallel()) {
            closeCopies();
        }
    }

    /**
     * Gives the calling thread, and libnd4j's and OpenBLAS's pools, all the threads the parallelism occupies, for
     * validation and evaluation between epochs: the workers leave the process-wide pools at their own count.
     */
    void useAllThreadsHere() {
        if (parallelism != null) {
            NativeThreads.use(parallelism.cores());
        }
    }

    Fitted fit(DataSet batch) {
        boolean parallel = parallelism != null && parallelism.dataParallel();
        Fitted fitted = passes.step(() -> {
            if (parallel) {
                return dataParallel.fit(batch);
            }
            probe.reset(batch.getLabels());
            network.fit(batch);
            return probe.measured() ? new Fitted(probe.loss(), probe.correct()) : new Fitted(network.score(), -1);
        });
        if (++steps % Subnormals.EVERY_STEPS == 0) {
            if (parallel) {
                dataParallel.flushSubnormals();
            } else {
                Subnormals.flush(network.updaterState());
            }
        }
        return fitted;
    }

    /** Ends the training: the copies freed, the network's helpers and activations as they were. */
    @Override
    public void close() {
        try {
            closeCopies();
        } finally {
            passes.close();
        }
    }

    private void closeCopies() {
        if (dataParallel != null) {
            dataParallel.close();
            dataParallel = null;
        }
    }
}
