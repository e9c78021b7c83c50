package dev.fmnist.cli.eval;

import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.ImageFiles;
import dev.fmnist.cli.UserError;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.ClassProbability;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.runtime.predict.Predictor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify image files (PNG, JPEG, GIF, BMP; any size or colour) with a run's best model.")
public final class PredictCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run folder, or a model file.")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Option(names = "--top", defaultValue = "3", description = "Classes to show per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--flip-tta", description = "Average each image's probabilities with those of its mirror image.")
    boolean flipAveraging;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (top < 1 || top > 10) {
            throw new UserError("--top must be between 1 and 10, got " + top);
        }
        Predictor predictor = Predictor.load(model, Bootstrap.injector(options).getInstance(PluginClasses.class))
                .withFlipAveraging(flipAveraging);
        PrintWriter out = spec.commandLine().getOut();
        ImageFiles files = new ImageFiles(spec.commandLine().getErr());
        for (Path image : images) {
            files.pixels(image).ifPresent(pixels -> {
                Prediction prediction = predictor.predict(List.of(pixels), top).get(0);
                String accepted = predictor.acceptance().map(a -> a.accepts(prediction.best().probability())
                        ? " (accepted)" : " (to review)").orElse("");
                out.printf("%s: %s%s%n", image, prediction.top().stream()
                        .map((ClassProbability c) -> String.format("%s %.1f%%", c.label(), c.probability() * 100))
                        .collect(Collectors.joining(", ")), accepted);
            });
        }
        out.flush();
        return files.exitCode();
    }
}
