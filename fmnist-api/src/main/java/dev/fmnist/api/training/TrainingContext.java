package dev.fmnist.api.training;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** What a callback can see of the run it is part of, and the one thing it can ask of it: to stop. */
public interface TrainingContext {

    /** The plugin id of the model being trained. */
    String modelId();

    /**
     * The network being trained: a {@link MultiLayerNetwork}, or a {@link ComputationGraph} for a plugin that
     * implements {@code buildGraph}. Read it (save, inspect); do not train it from a callback.
     *
     * @since 0.2
     */
    Model model();

    /**
     * The network being trained when it is a stack of layers, as in SPI 0.1.
     *
     * @throws IllegalStateException when the model is a graph; use {@link #model()}
     */
    default MultiLayerNetwork network() {
        if (model() instanceof MultiLayerNetwork network) {
            return network;
        }
        throw new IllegalStateException("model '" + modelId() + "' is a " + model().getClass().getSimpleName()
                + ", not a MultiLayerNetwork; read it with TrainingContext.model()");
    }

    /** The run's folder, where callbacks may write their files. */
    Path runDirectory();

    /** The metrics of every finished epoch so far, including those before a resume, oldest first. */
    List<EpochMetrics> history();

    /** The epoch limit of the run. */
    int maxEpochs();

    /**
     * Asks the engine to stop after the current epoch (or batch); the reason is logged and recorded in
     * the run's summary. The first reason wins.
     */
    void requestStop(String reason);

    /** Whether some callback asked to stop. */
    boolean stopRequested();
}
