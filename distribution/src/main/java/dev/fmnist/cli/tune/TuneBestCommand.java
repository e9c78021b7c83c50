package dev.fmnist.cli.tune;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.cli.config.ConfigKeys;
import dev.fmnist.cli.train.TrainCommand;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import dev.fmnist.tune.Trial;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "best", mixinStandardHelpOptions = true, description = "Show a study's best trial and the command "
        + "that repeats it; --train trains it on the whole training split.")
public final class TuneBestCommand implements Callable<Integer> {

    @Mixin
    StudyOptions which;

    @Option(names = "--train", description = "Train the best trial's settings on the whole training split.")
    boolean train;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of that run (default: the study's budget).")
    Integer epochs;

    @Option(names = "--out", paramLabel = "DIR", description = "Its run folder (default: runs/<model>-<time>).")
    Path out;

    @Mixin
    GlobalOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        try (StudyFolder folder = which.open()) {
            Trial best = folder.best().orElseThrow(() -> new UserError("study '" + folder.record().name()
                    + "' has no complete trial yet"));
            printer.printf(Locale.ROOT, "Best of study '%s': trial %d, %s %.4f%n  run folder: %s%n  train it: %s%n",
                    folder.record().name(), best.number(), folder.record().metric(), best.value().getAsDouble(),
                    TrainingObjective.trialDir(which.dir, best.number()), folder.trainCommand(best));
            printer.flush();
            if (!train) {
                return 0;
            }
            if (epochs != null && epochs < 1) {
                throw new UserError("--epochs must be at least 1, got " + epochs);
            }
            // the run watches what the study optimized, whatever train.monitor says now
            options.set(ConfigKeys.TRAIN_MONITOR.name(), folder.record().metric());
            Injector injector = Bootstrap.injector(options);
            OptionalInt runEpochs = epochs != null ? OptionalInt.of(epochs) : folder.budgetEpochs();
            TrainingRequest request = new TrainingRequest(folder.model(), TrainingObjective.overrides(best.params()),
                    runEpochs, OptionalInt.empty(), OptionalInt.empty(), Optional.ofNullable(out), Optional.empty(),
                    System.console() != null, Optional.empty(), Optional.empty());
            TrainCommand.run(injector.getInstance(TrainingEngine.class), request, printer);
            return 0;
        }
    }
}
