package dev.fmnist.training;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.runtime.model.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;

/** The engine's side of {@link TrainingContext}. */
final class RunContext implements TrainingContext {

    private final String modelId;
    private final Network network;
    private final Path runDirectory;
    private final int maxEpochs;
    private final List<EpochMetrics> history;
    private String stopReason;

    RunContext(String modelId, Network network, Path runDirectory, int maxEpochs, List<EpochMetrics> history) {
        this.modelId = modelId;
        this.network = network;
        this.runDirectory = runDirectory;
        this.maxEpochs = maxEpochs;
        this.history = new ArrayList<>(history);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public Model model() {
        return network.model();
    }

    @Override
    public Path runDirectory() {
        return runDirectory;
    }

    @Override
    public List<EpochMetrics> history() {
        return List.copyOf(history);
    }

    void record(EpochMetrics metrics) {
        history.add(metrics);
    }

    @Override
    public int maxEpochs() {
        return maxEpochs;
    }

    @Override
    public synchronized void requestStop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    @Override
    public synchronized boolean stopRequested() {
        return stopReason != null;
    }

    synchronized String stopReason() {
        return stopReason;
    }
}
