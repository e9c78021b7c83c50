package dev.fmnist.cli.train;

import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.training.TrainingRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags of a training that {@code train} and {@code distill} share. */
public final class TrainingFlags {

    @Option(names = "--epochs", paramLabel = "N", description = "Epoch limit (default: the model's own 'epochs' if it declares one, else train.epochs).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (the batch-size hyperparameter).")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (the learning-rate hyperparameter).")
    String learningRate;

    @Option(names = "--augment", paramLabel = "SPEC",
            description = "Augment training images: none, or e.g. crop,flip,erase (default: the model's own "
                    + "'augment' if it declares one, else train.augment).")
    String augment;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of split, shuffles and initialization (default: seed).")
    Long seed;

    @Option(names = "--patience", paramLabel = "N", description = "Early-stopping patience; 0 turns it off (default: train.patience, but 0 for a cosine or "
            + "one-cycle lr-schedule, which anneals to the run's end).")
    Integer patience;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any hyperparameter of the model (repeatable).")
    Map<String, String> hyperparameters = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "The run folder (default: runs/<model>-<time>); with train --all, the parent of the run "
            + "folders.")
    Path outDir;

    @Option(names = "--limit", paramLabel = "N", description = "Train on at most N images (validation shrinks in proportion).")
    Integer limit;

    @Option(names = "--no-progress", description = "Draw no progress bar (none is drawn when the output is not a terminal).")
    boolean noProgress;

    /** Puts {@code --seed} into the configuration the injector reads. */
    void applySeed(GlobalOptions options) {
        if (seed != null) {
            options.set("seed", Long.toString(seed));
        }
    }

    /** A request for {@code model} from these flags, with {@code keys} set besides {@code --set}'s. */
    TrainingRequest request(String model, Map<String, String> keys) {
        Map<String, String> all = new LinkedHashMap<>(hyperparameters);
        all.putAll(keys);
        return TrainCommand.request(model, all, batchSize, learningRate, epochs, patience, limit, noProgress, augment);
    }
}
