package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.runtime.run.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the per-epoch metrics as JSON and CSV after every epoch, so a running job can be watched. */
public final class MetricHistory implements TrainingCallback {

    static final String CSV_HEADER =
            "epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,epoch_seconds,images_per_second";

    private final Path json;
    private final Path csv;

    public MetricHistory(Path json, Path csv) {
        this.json = json;
        this.csv = csv;
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
        List<EpochMetrics> history = context.history();
        Json.write(json, history);
        StringBuilder text = new StringBuilder(CSV_HEADER).append('\n');
        for (EpochMetrics m : history) {
            text.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.1f%n", m.epoch(), m.trainLoss(),
                    m.trainAccuracy(), m.validationLoss(), m.validationAccuracy(), m.learningRate(),
                    m.epochMillis() / 1000.0, m.imagesPerSecond()));
        }
        Json.writeText(csv, text.toString());
    }
}
