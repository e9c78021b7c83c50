package dev.fmnist.cli;

import dev.fmnist.cli.imports.ImportCommand;
import dev.fmnist.cli.bench.BenchCommand;
import dev.fmnist.cli.data.DataCommand;
import dev.fmnist.cli.doctor.DoctorCommand;
import dev.fmnist.cli.eval.CalibrateCommand;
import dev.fmnist.cli.eval.ThresholdCommand;
import dev.fmnist.cli.eval.CompareCommand;
import dev.fmnist.cli.eval.EvaluateCommand;
import dev.fmnist.cli.eval.PredictCommand;
import dev.fmnist.cli.models.ModelsCommand;
import dev.fmnist.cli.search.IndexCommand;
import dev.fmnist.cli.search.SimilarCommand;
import dev.fmnist.cli.serve.ServeCommand;
import dev.fmnist.cli.train.DistillCommand;
import dev.fmnist.cli.train.EnsembleCommand;
import dev.fmnist.cli.train.FinetuneCommand;
import dev.fmnist.cli.train.TrainCommand;
import dev.fmnist.cli.tune.TuneCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code fmnist} command. */
@Command(name = "fmnist", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train, compare and serve Fashion-MNIST classifiers.",
        subcommands = {TrainCommand.class, FinetuneCommand.class, EnsembleCommand.class, DistillCommand.class, ImportCommand.class, TuneCommand.class, EvaluateCommand.class, CalibrateCommand.class, ThresholdCommand.class, CompareCommand.class,
            PredictCommand.class, IndexCommand.class, SimilarCommand.class, ServeCommand.class, ModelsCommand.class,
            DataCommand.class, BenchCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class})
public final class FmnistCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and for tests that capture its output. */
    public static CommandLine commandLine() {
        return new CommandLine(new FmnistCli())
                .setExecutionExceptionHandler(new ErrorReporter())
                .setExecutionStrategy(FmnistCli::refuseUnmatchedThenRun)
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * picocli lets a help option excuse an unknown word ({@code fmnist nosuch --help} printed the root usage and
     * exited 0), so a typo in a script passed; any unmatched argument is a usage error (status 2) with picocli's
     * "Did you mean" suggestions, help option or not.
     */
    private static int refuseUnmatchedThenRun(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (!level.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
