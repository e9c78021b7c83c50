package dev.fmnist.cli.eval;

import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.training.RunCalibration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "threshold", mixinStandardHelpOptions = true,
        description = "Choose the confidence from which a run's answers are accepted with no person looking: the "
                + "lowest top-class probability whose answers on the run's validation images are right at least "
                + "--precision of the time. It goes into the model's manifest; the server's infer and classify "
                + "answers and the Spark score job then say of each image whether it is accepted, and evaluate "
                + "reports what it accepts of the test images.")
public final class ThresholdCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "A run folder (runs/<model>-<time>).")
    Path runDir;

    @ArgGroup(multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--precision", paramLabel = "P", description = "The accuracy asked of accepted answers, "
                + "in (0, 1), such as 0.99.")
        Double precision;

        @Option(names = "--off", description = "Take the threshold off: answers are no longer marked accepted.")
        boolean off;
    }

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunCalibration calibration = Bootstrap.injector(options).getInstance(RunCalibration.class);
        PrintWriter out = spec.commandLine().getOut();
        if (choice.off) {
            calibration.removeThreshold(runDir);
            out.printf("%s: threshold off, answers are no longer marked accepted%n", new RunDirectory(runDir).model());
        } else {
            Acceptance chosen = calibration.threshold(runDir, choice.precision);
            Path model = new RunDirectory(runDir).model();
            out.printf("%s: answers with a top probability of at least %.4f are accepted: %.2f%% of the %,d "
                    + "validation images, %.2f%% of them right (asked: %.2f%%)%n", model, chosen.threshold(),
                    chosen.validation().coverage() * 100, chosen.validation().images(),
                    chosen.validation().accuracy() * 100, chosen.targetAccuracy() * 100);
        }
        out.flush();
        return 0;
    }
}
