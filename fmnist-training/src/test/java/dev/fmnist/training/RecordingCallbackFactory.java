package dev.fmnist.training;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingCallbackFactory;
import dev.fmnist.api.training.TrainingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A team's callback as the platform finds it: listed in this module's test
 * {@code META-INF/services/dev.fmnist.api.training.TrainingCallbackFactory}, so every run of the test JVM gets
 * one. It only records which epochs ended in which run folder.
 */
public final class RecordingCallbackFactory implements TrainingCallbackFactory {

    static final Map<Path, List<Integer>> EPOCHS = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "recording";
    }

    @Override
    public TrainingCallback create() {
        return new TrainingCallback() {
            @Override
            public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
                EPOCHS.computeIfAbsent(context.runDirectory(), dir -> new ArrayList<>()).add(metrics.epoch());
            }
        };
    }
}
