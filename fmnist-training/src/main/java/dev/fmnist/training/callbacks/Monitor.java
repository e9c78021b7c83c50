package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.EpochMetrics;
import java.util.List;
import java.util.Optional;

/**
 * A monitored validation metric and what counts as better: lower {@code val_loss}, higher
 * {@code val_accuracy}, by at least {@code minDelta}.
 *
 * @param averagedFrom the epoch from which the run's model is another one (SWA's first average): the epochs before it
 *                     no longer count as the best, and early stopping waits for it; 0 when the model never changes
 */
public record Monitor(String metric, double minDelta, int averagedFrom) {

    public Monitor(String metric, double minDelta) {
        this(metric, minDelta, 0);
    }

    public Monitor {
        if (!metric.equals("val_loss") && !metric.equals("val_accuracy")) {
            throw new IllegalArgumentException("monitor must be val_loss or val_accuracy, got '" + metric + "'");
        }
        if (minDelta < 0) {
            throw new IllegalArgumentException("minDelta must not be negative, got " + minDelta);
        }
    }

    public boolean improves(double candidate, double best) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return metric.equals("val_loss") ? candidate < best - minDelta : candidate > best + minDelta;
    }

    /** Whether the epoch's model is the first of another kind, so the best so far is forgotten. */
    public boolean startsAfresh(int epoch) {
        return averagedFrom > 0 && epoch == averagedFrom;
    }

    /** Whether the run may stop after this epoch: not before the model it keeps exists. */
    public boolean mayStopAfter(int epoch) {
        return epoch >= averagedFrom;
    }

    /**
     * The best epoch of a history, the first one reaching the best value; once the history reaches
     * {@link #averagedFrom}, among the epochs from there.
     */
    public Optional<EpochMetrics> best(List<EpochMetrics> history) {
        boolean afresh = averagedFrom > 0 && !history.isEmpty()
                && history.get(history.size() - 1).epoch() >= averagedFrom;
        EpochMetrics best = null;
        for (EpochMetrics metrics : history) {
            if (afresh && metrics.epoch() < averagedFrom) {
                continue;
            }
            if (best == null || improves(metrics.metric(metric), best.metric(metric))) {
                best = metrics;
            }
        }
        return Optional.ofNullable(best);
    }
}
