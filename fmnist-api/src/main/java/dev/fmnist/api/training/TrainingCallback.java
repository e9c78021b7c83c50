package dev.fmnist.api.training;

/**
 * Hooks the training engine calls, in this order: {@code onTrainStart}, then for each epoch
 * {@code onEpochStart}, {@code onBatchEnd} per batch and {@code onEpochEnd} after validation, and
 * {@code onTrainEnd} once, also when the run stops early or fails. Every method does nothing by default.
 *
 * <p>A callback runs on the training thread: keep {@code onBatchEnd} cheap. An exception from a
 * callback ends the run with a message naming the callback.
 */
public interface TrainingCallback {

    /** Before the first epoch; {@code startEpoch} is greater than 1 when a run resumes. */
    default void onTrainStart(TrainingContext context, int startEpoch) {}

    default void onEpochStart(TrainingContext context, int epoch) {}

    default void onBatchEnd(TrainingContext context, BatchMetrics batch) {}

    default void onEpochEnd(TrainingContext context, EpochMetrics metrics) {}

    /** After the last epoch, or after an early stop or failure; {@code epochsRun} counts resumed ones too. */
    default void onTrainEnd(TrainingContext context, int epochsRun) {}
}
