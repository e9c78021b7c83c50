package dev.fmnist.cli.train;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.DataException;
import dev.fmnist.eval.EnsembleReport;
import dev.fmnist.eval.EvaluationException;
import dev.fmnist.models.ensemble.Ensembles;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import java.io.PrintWriter;
import java.nio.file.Files;
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

@Command(name = "ensemble", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make one model of several trained ones: the mean of their class probabilities (weighted with "
                + "--weights, each image averaged with its mirror with --flip), written as OUT/best.zip, which "
                + "evaluate, compare, predict, serve, index and the Spark job take as any run. Its similar-item "
                + "embedding is its first member's. Prints its figures on the test images beside its members' "
                + "(OUT/ensemble.json).")
public final class EnsembleCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "RUN_DIR",
            description = "Two or more run folders (or model files) of models that take the same input and classes.")
    List<Path> members = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The ensemble's folder (new).")
    Path out;

    @Option(names = "--weights", split = ",", paramLabel = "W",
            description = "Each member's weight, in order, e.g. 2,1,1 (default: equal).")
    List<Double> weights = new ArrayList<>();

    @Option(names = "--flip", description = "Average each image's probabilities with its mirror's (two forward "
            + "passes per image): for members trained with flips.")
    boolean flip;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunDirectory target = new RunDirectory(out);
        if (Files.exists(target.bestModel()) || Files.exists(target.lastModel())) {
            throw new UserError(out + " already holds a model; choose another --out");
        }
        Injector injector = Bootstrap.injector(options);
        PluginClasses classes = injector.getInstance(PluginClasses.class);
        List<Ensembles.Member> loaded = new ArrayList<>();
        for (Path member : members) {
            Path file = RunDirectory.modelOf(member);
            loaded.add(new Ensembles.Member(file, ModelFile.load(file, false, classes)));
        }
        SavedModel ensemble = Ensembles.of(loaded, weights, flip, classes);
        ModelFile.save(ensemble.network(), ensemble.manifest(), target.bestModel(), false);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("an ensemble of %d models (%,d parameters%s) written to %s%n", loaded.size(),
                ensemble.network().numParams(), flip ? ", each image averaged with its mirror" : "",
                target.bestModel());
        try {
            List<Predictor> predictors = loaded.stream()
                    .map(member -> new Predictor(member.model().network(), member.model().manifest())).toList();
            List<EnsembleReport.Row> rows = injector.getInstance(EnsembleReport.class).measure(target.bestModel(),
                    new Predictor(ensemble.network(), ensemble.manifest()), predictors);
            Json.write(out.resolve("ensemble.json"), rows);
            w.printf("%non the test images:%n%s", EnsembleReport.markdown(rows));
        } catch (EvaluationException | DataException e) {
            w.printf("not measured: %s%n", e.getMessage());
        }
        w.flush();
        return 0;
    }
}
