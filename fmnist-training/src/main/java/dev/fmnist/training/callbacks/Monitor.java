package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.EpochMetrics;
import java.util.List;
import java.util.Optional;

/**
 * A monitored validation metric and what counts as better: lower {@code val_loss}, higher
 * {@code val_accuracy}, by at least {@code minDelta}.
 */
public record Monitor(String metric, double minDelta) {

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

    /** The best epoch of a history, the first one reaching the best value. */
    public Optional<EpochMetrics> best(List<EpochMetrics> history) {
        EpochMetrics best = null;
        for (EpochMetrics metrics : history) {
            if (best == null || improves(metrics.metric(metric), best.metric(metric))) {
                best = metrics;
            }
        }
        return Optional.ofNullable(best);
    }
}
