package dev.fmnist.api.training;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** What a callback can see of the run it is part of, and the one thing it can ask of it: to stop. */
public interface TrainingContext {

    /** The plugin id of the model being trained. */
    String modelId();

    /** The network being trained. Read it (save, inspect); do not train it from a callback. */
    MultiLayerNetwork network();

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
