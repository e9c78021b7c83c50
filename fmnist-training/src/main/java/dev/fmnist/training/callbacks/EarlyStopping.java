package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a run when the monitored metric has not improved for {@code patience} epochs, and optionally puts
 * the best epoch's weights back into the network at the end. Its state is derived from the run's history,
 * so it continues correctly after a resume.
 */
public final class EarlyStopping implements TrainingCallback {

    private static final Logger log = LoggerFactory.getLogger(EarlyStopping.class);

    private final Monitor monitor;
    private final int patience;
    private final boolean restoreBest;
    private double best = Double.NaN;
    private int bestEpoch;
    private INDArray bestParams;

    public EarlyStopping(Monitor monitor, int patience, boolean restoreBest) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.restoreBest = restoreBest;
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
        if (monitor.improves(value, best)) {
            best = value;
            bestEpoch = metrics.epoch();
            if (restoreBest) {
                bestParams = context.network().params().dup();
            }
        } else if (metrics.epoch() - bestEpoch >= patience) {
            context.requestStop(String.format("%s did not improve for %d epochs (best %.4f at epoch %d)",
                    monitor.metric(), patience, best, bestEpoch));
        }
    }

    @Override
    public void onTrainEnd(TrainingContext context, int epochsRun) {
        if (!restoreBest || bestEpoch == 0 || bestEpoch == epochsRun) {
            return;
        }
        if (bestParams == null) {
            // Resumed after the best epoch: its weights are only on disk, in the best checkpoint if one was kept.
            log.warn("Best weights of epoch {} are not in memory after the resume; keeping the weights of epoch {}",
                    bestEpoch, epochsRun);
            return;
        }
        context.network().setParams(bestParams);
        log.info("Restored the weights of epoch {} ({} {})", bestEpoch, monitor.metric(), String.format("%.4f", best));
    }

    /** The epoch with the best monitored value so far (0 before the first epoch). */
    public int bestEpoch() {
        return bestEpoch;
    }
}
