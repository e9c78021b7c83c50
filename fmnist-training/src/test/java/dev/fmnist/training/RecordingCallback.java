package dev.fmnist.training;

import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import java.util.ArrayList;
import java.util.List;

/** Records every hook call as a line, and the values it was given. */
final class RecordingCallback implements TrainingCallback {

    final List<String> calls = new ArrayList<>();
    final List<BatchMetrics> batches = new ArrayList<>();
    final List<EpochMetrics> epochs = new ArrayList<>();
    final List<Integer> historySizes = new ArrayList<>();

    @Override
    public void onTrainStart(TrainingContext context, int startEpoch) {
        calls.add("trainStart " + startEpoch);
    }

    @Override
    public void onEpochStart(TrainingContext context, int epoch) {
        calls.add("epochStart " + epoch);
    }

    @Override
    public void onBatchEnd(TrainingContext context, BatchMetrics batch) {
        if (batch.batch() == 1 || batch.batch() == batch.batches()) {
            calls.add("batch " + batch.epoch() + "." + batch.batch() + "/" + batch.batches());
        }
        batches.add(batch);
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
        calls.add("epochEnd " + metrics.epoch());
        epochs.add(metrics);
        historySizes.add(context.history().size());
    }

    @Override
    public void onTrainEnd(TrainingContext context, int epochsRun) {
        calls.add("trainEnd " + epochsRun);
    }
}
