package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch on stderr: batches done, running loss and accuracy, images per second and the
 * ETA. Use it only when stderr is a terminal; the engine logs one line per epoch either way.
 */
public final class ConsoleProgress implements TrainingCallback {

    private ProgressBar bar;
    private long started;
    private double lossSum;
    private double correctSum;
    private long images;

    @Override
    public void onEpochStart(TrainingContext context, int epoch) {
        started = System.nanoTime();
        lossSum = 0;
        correctSum = 0;
        images = 0;
        bar = new ProgressBarBuilder()
                .setTaskName(String.format("epoch %d/%d", epoch, context.maxEpochs()))
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setMaxRenderedLength(140)
                .setEtaFunction(state -> state.getCurrent() == 0 ? java.util.Optional.empty()
                        : java.util.Optional.of(Duration.ofNanos((System.nanoTime() - started)
                                * (state.getMax() - state.getCurrent()) / state.getCurrent())))
                .build();
    }

    @Override
    public void onBatchEnd(TrainingContext context, BatchMetrics batch) {
        if (bar == null) {
            return;
        }
        images += batch.images();
        lossSum += batch.loss() * batch.images();
        correctSum += batch.accuracy() * batch.images();
        double seconds = (System.nanoTime() - started) / 1e9;
        bar.maxHint(batch.batches());
        bar.stepTo(batch.batch());
        bar.setExtraMessage(String.format(" loss %.4f acc %.4f %,.0f img/s", lossSum / images, correctSum / images,
                images / Math.max(seconds, 1e-9)));
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
        close();
    }

    @Override
    public void onTrainEnd(TrainingContext context, int epochsRun) {
        close();
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
