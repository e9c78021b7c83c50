package dev.fmnist.cli.tune;

import dev.fmnist.tune.Trial;
import dev.fmnist.tune.report.StudyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true, description = "Write a study's report: report.html, "
        + "study.json and PNG pictures (optimization history, trial curves, slices, parallel coordinates, importance).")
public final class TuneReportCommand implements Callable<Integer> {

    @Mixin
    StudyOptions which;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: STUDY_DIR/report).")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (StudyFolder folder = which.open()) {
            Path target = out != null ? out : which.dir.resolve("report");
            var trials = folder.trials();
            StudyReport.Summary summary = StudyReport.write(folder.record(), folder.space(), trials,
                    folder.best().map(folder::trainCommand).orElse(""), target);
            PrintWriter printer = spec.commandLine().getOut();
            printer.printf(Locale.ROOT, "Study '%s': %d trials (%d complete, %d pruned, %d failed%s)%n", summary.study(),
                    summary.trials(), summary.complete(), summary.pruned(), summary.failed(),
                    summary.lost() > 0 ? ", " + summary.lost() + " lost" : "");
            if (!summary.failedInARow().isEmpty()) {
                printer.printf("It ends as %s%n", Trial.describeFailures(summary.failedInARow()));
            }
            summary.best().ifPresent(best -> printer.printf(Locale.ROOT, "Best: trial %d, %s %.4f%n  train it: %s%n",
                    best.number(), summary.metric(), best.value().getAsDouble(), summary.bestCommand()));
            summary.importance().forEach((name, share) -> printer.printf(Locale.ROOT, "  importance %-16s %.2f%n",
                    name, share));
            printer.printf("Wrote %s%n", target.resolve("report.html"));
            printer.flush();
            return 0;
        }
    }
}
