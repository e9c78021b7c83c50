package dev.fmnist.training;

import static java.util.Objects.requireNonNull;

import dev.fmnist.data.augment.Augmentation;
import java.nio.file.Path;

/**
 * Settings of the training engine (keys {@code train.*} and {@code runs.dir}); a request may override the
 * epochs and patience.
 *
 * @param monitor     {@code val_loss} (lower is better) or {@code val_accuracy} (higher is better)
 * @param minDelta    smallest change of the monitored metric that counts as an improvement
 * @param patience    epochs without improvement before stopping; 0 turns early stopping off
 * @param restoreBest whether the run's model is the best epoch's ({@code best.zip}) rather than the last
 *                    epoch's ({@code last.zip}); recorded in the run's configuration, read by
 *                    {@code RunDirectory.model()}
 * @param augmentation the training images' augmentation spec (see {@code Augmentation}); {@code none} for none
 * @param threads     how each model's trainings use the cores ({@code train.threads})
 */
public record TrainingConfig(Path runsDir, int epochs, int patience, String monitor, double minDelta,
        boolean restoreBest, String augmentation, ThreadSettings threads) {

    public TrainingConfig {
        requireNonNull(runsDir, "runsDir is null");
        requireNonNull(threads, "threads is null");
        augmentation = Augmentation.parse(augmentation).toString();
        if (!monitor.equals("val_loss") && !monitor.equals("val_accuracy")) {
            throw new IllegalArgumentException("monitor must be val_loss or val_accuracy, got " + monitor);
        }
    }

    /** With the process's threads as they are. */
    public TrainingConfig(Path runsDir, int epochs, int patience, String monitor, double minDelta,
            boolean restoreBest, String augmentation) {
        this(runsDir, epochs, patience, monitor, minDelta, restoreBest, augmentation,
                ThreadSettings.of(TrainingThreads.inherit()));
    }

    /** Without augmentation. */
    public TrainingConfig(Path runsDir, int epochs, int patience, String monitor, double minDelta,
            boolean restoreBest) {
        this(runsDir, epochs, patience, monitor, minDelta, restoreBest, "none");
    }

    /** The same settings with {@code value} for the threads. */
    public TrainingConfig withThreads(ThreadSettings value) {
        return new TrainingConfig(runsDir, epochs, patience, monitor, minDelta, restoreBest, augmentation, value);
    }
}
