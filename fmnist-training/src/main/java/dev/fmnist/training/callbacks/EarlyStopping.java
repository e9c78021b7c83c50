package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;

/**
 * Stops a run when the monitored metric has not improved for {@code patience} epochs. Its state is derived
 * from the run's history, so it continues correctly after a resume. The best epoch's weights are on disk
 * already ({@code best.zip}, written by {@link BestCheckpoint}), so nothing is kept in memory to restore.
 */
public final class EarlyStopping implements TrainingCallback {

    private final Monitor monitor;
    private final int patience;
    private double best = Double.NaN;
    private int bestEpoch;

    public EarlyStopping(Monitor monitor, int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        this.monitor = monitor;
        this.patience = patience;
    }

    @Override
    public void onTrainStart(TrainingContext context, int startEpoch) {
        monitor.best(context.history()).ifPresent(metrics -> {
            best = metrics.metric(monitor.metric());
            bestEpoch = metrics.epoch();
        });
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
        double value = metrics.metric(monitor.metric());
        if (monitor.startsAfresh(metrics.epoch())) {
            best = Double.NaN;
        }
        if (monitor.improves(value, best)) {
            best = value;
            bestEpoch = metrics.epoch();
        } else if (metrics.epoch() - bestEpoch >= patience && monitor.mayStopAfter(metrics.epoch())) {
            context.requestStop(String.format("%s did not improve for %d epochs (best %.4f at epoch %d)",
                    monitor.metric(), patience, best, bestEpoch));
        }
    }

    /** The epoch with the best monitored value so far (0 before the first epoch). */
    public int bestEpoch() {
        return bestEpoch;
    }
}
