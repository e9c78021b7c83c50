package dev.fmnist.cli.train;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.training.FineTuning;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Adapt a trained model to new classes (usually --data folder:DIR): its feature layers kept and "
                + "frozen, its output layer replaced by one for the data's classes, trained like any run (callbacks, "
                + "checkpoints, --resume, history). The run's manifest records the parent model.")
public final class FinetuneCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR",
            description = "The trained run folder (or model file) to start from.")
    Path parent;

    @Option(names = "--freeze", paramLabel = "N|all|none", defaultValue = "all",
            description = "Layers that keep their weights: the first N, all but the output layer, or none "
                    + "(default: ${DEFAULT-VALUE}).")
    String freeze;

    @Option(names = "--lr", paramLabel = "X", description = "Adam learning rate of the layers that learn "
            + "(default: 0.001).")
    Double learningRate;

    @Option(names = "--epochs", paramLabel = "N", description = "Epoch limit (default: the parent's 'epochs' hyperparameter if it has one, else "
            + "train.epochs).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (default: the parent's).")
    Integer batchSize;

    @Option(names = "--augment", paramLabel = "SPEC",
            description = "Augment training images: none, or e.g. crop,flip (default: the parent's augmentation).")
    String augment;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of split, shuffles and the new layer (default: seed).")
    Long seed;

    @Option(names = "--patience", paramLabel = "N", description = "Early-stopping patience; 0 turns it off "
            + "(default: train.patience).")
    Integer patience;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The run folder (default: runs/<model>-finetuned-<time>).")
    Path outDir;

    @Option(names = "--limit", paramLabel = "N", description = "Train on at most N images.")
    Integer limit;

    @Option(names = "--no-progress", description = "Draw no progress bar.")
    boolean noProgress;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (seed != null) {
            options.set("seed", Long.toString(seed));
        }
        FineTuning tuning = new FineTuning(parent, frozenLayers(freeze),
                learningRate == null ? FineTuning.DEFAULT_LEARNING_RATE : learningRate);
        Injector injector = Bootstrap.injector(options);
        TrainingEngine engine = injector.getInstance(TrainingEngine.class);
        String modelId = ModelFile.manifest(RunDirectory.modelOf(parent)).modelId();
        TrainingRequest request = TrainCommand.request(modelId, Map.of(), batchSize, null, epochs, patience, limit,
                noProgress, augment).fineTuning(tuning);
        TrainCommand.run(engine, outDir != null ? request.withRunDir(outDir) : request, spec.commandLine().getOut());
        return 0;
    }

    static OptionalInt frozenLayers(String freeze) {
        switch (freeze) {
            case "all":
                return OptionalInt.empty();
            case "none":
                return OptionalInt.of(0);
            default:
                try {
                    int layers = Integer.parseInt(freeze);
                    if (layers >= 0) {
                        return OptionalInt.of(layers);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new UserError("--freeze must be a number of layers, all or none; got '" + freeze + "'");
        }
    }
}
