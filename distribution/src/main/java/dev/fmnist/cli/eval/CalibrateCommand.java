package dev.fmnist.cli.eval;

import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.runtime.model.Calibration;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.training.RunCalibration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate a run's model by temperature scaling on the run's validation images (a run does it "
                + "when its training ends): the temperature goes into the model's manifest, and evaluate, predict, "
                + "serve and the Spark job answer with it. The ranking of the classes does not change.")
public final class CalibrateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "A run folder (runs/<model>-<time>).")
    Path runDir;

    @Option(names = "--off", description = "Take the calibration off: the model answers its network's raw "
            + "probabilities again.")
    boolean off;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunCalibration calibration = Bootstrap.injector(options).getInstance(RunCalibration.class);
        PrintWriter out = spec.commandLine().getOut();
        Path model = new RunDirectory(runDir).model();
        if (off) {
            calibration.remove(runDir);
            out.printf("%s: calibration off, the network's raw probabilities are answered%n", model);
        } else {
            Calibration fitted = calibration.calibrate(runDir);
            out.printf("%s: temperature %.3f, fitted on %,d validation images (log loss %.4f at temperature 1, "
                    + "%.4f at %.3f)%n", model, fitted.temperature(), fitted.images(), fitted.logLossBefore(),
                    fitted.logLossAfter(), fitted.temperature());
        }
        out.flush();
        return 0;
    }
}
