package dev.fmnist.cli.eval;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.eval.Comparison;
import dev.fmnist.eval.Evaluator;
import dev.fmnist.eval.ResultsTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare runs on the test split: a table (each run's epochs, wall time and CPU from its summary, "
                + "test accuracy, and with each image averaged with its mirror), validation curves and per-class F1 "
                + "as Markdown, JSON and HTML.")
public final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "RUN_DIR", description = "Run folders.")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--runs-dir", paramLabel = "DIR", description = "Compare every run folder in DIR.")
    Path runsDir;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: the runs folder, or ./comparison).")
    Path out;

    @Option(names = "--markdown", description = "Print the table alone, as Markdown (for a document such as "
            + "docs/RESULTS.md); the files are written as always.")
    boolean markdownOnly;

    @Option(names = "--table", paramLabel = "FILE", description = "Keep a results table in FILE (JSON, one row per "
            + "model): these runs' rows replace its rows of the same models, the others stay, and the table printed "
            + "is the whole file's. docs/RESULTS.md's headline is made this way from runs trained at different times.")
    Path table;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Path> all = new ArrayList<>(runs);
        Injector injector = Bootstrap.injector(options);
        List<String> skipped = new ArrayList<>();
        if (runsDir != null) {
            // a folder of runs may hold runs of other data (an image folder's): they are not comparable on this
            // test set, so they are left out and named, where a run folder named on its own is an error
            Evaluator evaluator = injector.getInstance(Evaluator.class);
            for (Path run : Comparison.runsIn(runsDir)) {
                evaluator.otherData(run).ifPresentOrElse(skipped::add, () -> all.add(run));
            }
        }
        if (all.isEmpty()) {
            throw new UserError(skipped.isEmpty() ? "name run folders, or --runs-dir DIR"
                    : "no run in " + runsDir + " was trained on this data: " + skipped.get(0));
        }
        Path target = out != null ? out : runsDir != null ? runsDir.resolve("comparison") : Path.of("comparison");
        List<Comparison.Row> rows = injector.getInstance(Comparison.class).compare(all, target);
        if (table != null) {
            rows = ResultsTable.update(table, rows);
        }
        spec.commandLine().getOut().print(Comparison.markdown(rows));
        if (markdownOnly) {
            // the table alone on standard output; what was left out still said, apart
            skipped.forEach(sentence -> spec.commandLine().getErr().printf("left out: %s%n", sentence));
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
            return 0;
        }
        skipped.forEach(sentence -> spec.commandLine().getOut().printf("left out: %s%n", sentence));
        spec.commandLine().getOut().printf("%nwritten to %s (comparison.md, comparison.json, comparison.html)%s%n", target,
                table == null ? "" : " and " + table);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
