package dev.fmnist.training;

import dev.fmnist.models.WeightAveraging;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The average of a training network's weights ({@link WeightAveraging}), kept as a network of its own whose parameters
 * are the average: it validates and is saved like any network, and no copy is made to use it. Its flat parameter
 * vector includes the batch-normalization statistics, so they are averaged with the weights.
 */
final class AveragedWeights {

    private static final Logger log = LoggerFactory.getLogger(AveragedWeights.class);

    private final WeightAveraging spec;
    private final Network trained;
    private final Network averaged;
    private final INDArray average;
    private final int swaStart;
    private int swaEpochs;

    private AveragedWeights(WeightAveraging spec, Network trained, int epochs) {
        this.spec = spec;
        this.trained = trained;
        this.averaged = trained.copy();
        this.average = averaged.model().params();
        this.swaStart = spec.startIn(epochs);
    }

    /** None when the plan averages nothing; else an average that starts as the network's weights. */
    static AveragedWeights of(WeightAveraging spec, Network trained, int epochs) {
        return spec.isNone() ? null : new AveragedWeights(spec, trained, epochs);
    }

    /**
     * Continues a resumed run's average from the one saved with the {@code last.zip} it resumes from ({@code epoch}):
     * {@code average.zip}, or the previous one when the run was killed before {@code last.zip} caught up. Without
     * either (a folder edited by hand), the average starts again from the weights, with a warning.
     */
    void resume(RunDirectory dir, int epoch, PluginClasses classes) {
        swaEpochs = Math.max(0, epoch - swaStart + 1);
        if (epoch == 0 || !ready()) {
            return;
        }
        for (Path file : List.of(dir.averageModel(), dir.previousAverageModel())) {
            if (Files.isRegularFile(file) && ModelFile.manifest(file).epoch() == epoch) {
                // through the plugin's class loader, as last.zip: the network may use the plugin's own classes
                SavedModel saved = ModelFile.load(file, false, classes);
                if (saved.network().numParams() == average.length()) {
                    average.assign(saved.network().model().params());
                    return;
                }
            }
        }
        log.warn("{} holds no average of epoch {}: the {} average starts again from the weights of that epoch",
                dir.path(), epoch, spec);
        swaEpochs = Math.min(swaEpochs, 1);
    }

    /** After each training batch: the EMA moves towards the weights. */
    void afterBatch() {
        if (spec.kind() != WeightAveraging.Kind.EMA) {
            return;
        }
        // the network's step counter, which last.zip carries, counts the updates: this batch's was the last
        double decay = spec.decayAt(trained.iterationCount() - 1L);
        average.muli(decay);
        Nd4j.getBlasWrapper().level1().axpy(average.length(), 1 - decay, trained.model().params(), average);
    }

    /** After each epoch's training: SWA adds the weights to its mean from its start epoch on. */
    void afterEpoch(int epoch) {
        if (spec.kind() != WeightAveraging.Kind.SWA || epoch < swaStart) {
            return;
        }
        swaEpochs++;
        if (swaEpochs == 1) {
            average.assign(trained.model().params());
        } else {
            // the running mean: average += (weights - average) / n
            average.muli(1 - 1.0 / swaEpochs);
            Nd4j.getBlasWrapper().level1().axpy(average.length(), 1.0 / swaEpochs, trained.model().params(), average);
        }
    }

    /** Whether there is an average to validate and save yet: SWA has none before its start epoch. */
    boolean ready() {
        return spec.kind() == WeightAveraging.Kind.EMA || swaEpochs > 0;
    }

    /** The network whose parameters are the average. */
    Network network() {
        return averaged;
    }

    /**
     * Saves the average beside {@code last.zip}, for a resumed run to continue it; the previous one is kept until the
     * next save, since {@code last.zip} of this epoch is written after it.
     */
    void save(RunDirectory dir, ModelManifest manifest) {
        try {
            if (Files.isRegularFile(dir.averageModel())) {
                Files.move(dir.averageModel(), dir.previousAverageModel(), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new TrainingException("cannot keep the previous average " + dir.averageModel() + ": "
                    + e.getMessage(), e);
        }
        ModelFile.save(averaged, manifest, dir.averageModel(), false);
    }
}
