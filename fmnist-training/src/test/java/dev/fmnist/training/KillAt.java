package dev.fmnist.training;

import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;

/** Fails a run at one batch, as a run killed there stops: what {@code --resume} must recover from. */
final class KillAt implements TrainingCallback {

    private final int epoch;
    private final int batch;

    private KillAt(int epoch, int batch) {
        this.epoch = epoch;
        this.batch = batch;
    }

    /** Kills the run after batch {@code batch} of epoch {@code epoch} (both 1-based). */
    static KillAt batch(int epoch, int batch) {
        return new KillAt(epoch, batch);
    }

    @Override
    public void onBatchEnd(TrainingContext context, BatchMetrics metrics) {
        if (metrics.epoch() == epoch && metrics.batch() == batch) {
            throw new IllegalStateException("simulated kill");
        }
    }
}
