package dev.fmnist.cli.eval;

import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.eval.CalibrationEffect;
import dev.fmnist.eval.EvaluationReport;
import dev.fmnist.eval.Evaluator;
import dev.fmnist.eval.metrics.ConfusedPair;
import dev.fmnist.eval.metrics.EvaluationMetrics;
import dev.fmnist.eval.metrics.SelectivePrediction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a run's best model: metrics.json, pictures and report.html in RUN_DIR/eval.")
public final class EvaluateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "A run folder (runs/<model>-<time>).")
    Path runDir;

    @Option(names = "--split", defaultValue = "test", description = "test or val (default: ${DEFAULT-VALUE}).")
    Evaluator.Split split;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: RUN_DIR/eval).")
    Path out;

    @Option(names = "--flip-tta", description = "Test-time augmentation: average each image's probabilities with "
            + "those of its mirror image (two forward passes; for models trained with flips).")
    boolean flipAveraging;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Evaluator evaluator = Bootstrap.injector(options).getInstance(Evaluator.class);
        Path target = out != null ? out : runDir.resolve("eval");
        EvaluationReport report = evaluator.evaluate(runDir, split, target, flipAveraging);
        EvaluationMetrics m = report.metrics();
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s on the %s split (%,d images%s): accuracy %.2f%%, top-2 %.2f%%, log loss %.4f, macro F1 %.4f, ECE %.4f%n",
                report.modelId(), m.split(), m.images(), report.flipAveraged() ? ", flip-averaged" : "", m.accuracy() * 100, m.top2Accuracy() * 100, m.logLoss(),
                m.macroF1(), m.expectedCalibrationError());
        if (report.calibration() != null) {
            CalibrationEffect c = report.calibration();
            w.printf("calibrated at temperature %.3f: log loss %.4f -> %.4f, ECE %.4f -> %.4f (raw -> calibrated)%n",
                    c.temperature(), c.logLossBefore(), c.logLossAfter(), c.eceBefore(), c.eceAfter());
        }
        printSelective(w, report.selective(), report.calibration() != null ? "calibrated" : "raw", m.split());
        w.printf("worst class: %s (F1 %.4f)%n", m.worstClass().name(), m.worstClass().f1());
        for (ConfusedPair pair : m.mostConfused().subList(0, Math.min(3, m.mostConfused().size()))) {
            w.printf("confused: %s / %s (%d and %d)%n", pair.a(), pair.b(), pair.aAsB(), pair.bAsA());
        }
        w.printf("report: %s%n", target.resolve("report.html"));
        w.flush();
        return 0;
    }

    /** The risk-coverage area, and what each target's threshold accepts, in the probabilities the model answers. */
    private static void printSelective(PrintWriter w, SelectivePrediction selective, String answered, String split) {
        w.printf("selective prediction: AURC %.4f%s%n", selective.areaUnderCurve(), selective.targets().isEmpty()
                ? " (no thresholds: " + selective.reason() + ")"
                : "; thresholds chosen on the validation images (" + answered + " probabilities):");
        for (SelectivePrediction.Target t : selective.targets()) {
            if (t.probabilities().equals(answered)) {
                w.println("  " + accepts(t, split));
            }
        }
        if (selective.stored() != null) {
            w.println("the model's threshold (fmnist threshold): " + accepts(selective.stored(), split));
        }
    }

    private static String accepts(SelectivePrediction.Target t, String split) {
        if (t.threshold() == null) {
            return String.format("%.1f%% asked: not reached on the validation images", t.accuracy() * 100);
        }
        return String.format("%.1f%% asked: from %.4f, accepts %.2f%% of the %s images, %.2f%% of them right%s",
                t.accuracy() * 100, t.threshold(), t.coverage() * 100, split, t.acceptedAccuracy() * 100,
                t.shortfallPoints() > 0 ? String.format(" (%.2f points short)", t.shortfallPoints()) : "");
    }
}
