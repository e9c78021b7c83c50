package dev.fmnist.cli.eval;

import dev.fmnist.api.ImageShape;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.ImageFiles;
import dev.fmnist.cli.UserError;
import dev.fmnist.runtime.explain.Explainer;
import dev.fmnist.runtime.explain.Overlay;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.ClassProbability;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.runtime.predict.Predictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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

    @Option(names = "--raw", description = "Print every class's probability as CSV (a header of the classes, then "
            + "one row per image, uncalibrated; with --flip-tta, averaged with the mirror image), to check a model "
            + "against another tool's answers on the same images.")
    boolean raw;

    @Option(names = "--explain", paramLabel = "DIR", description = "Also write why: each image's answer explained as a "
            + "map drawn over it, DIR/<file name>.<method>.png.")
    Path explainDir;

    @Option(names = "--method", defaultValue = "occlusion", description = "How --explain explains: occlusion (any "
            + "model) or saliency (a layer stack without batch normalization) (default: ${DEFAULT-VALUE}).")
    String method;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (top < 1 || top > 10) {
            throw new UserError("--top must be between 1 and 10, got " + top);
        }
        if (raw && explainDir != null) {
            throw new UserError("--raw prints probabilities only: run --explain apart");
        }
        Predictor loaded = Predictor.load(model, Bootstrap.injector(options).getInstance(PluginClasses.class))
                .withFlipAveraging(flipAveraging);
        // raw: the network's own probabilities, as another tool computes them (no temperature)
        Predictor predictor = raw ? loaded.withCalibration(false) : loaded;
        Explainer explainer = explainDir == null ? null : explainer(predictor);
        PrintWriter out = spec.commandLine().getOut();
        ImageFiles files = new ImageFiles(spec.commandLine().getErr());
        if (raw) {
            out.println(csvRow("image", predictor.classNames()));
        }
        for (Path image : images) {
            files.pixels(image).ifPresent(pixels -> {
                if (raw) {
                    float[] probabilities = predictor.probabilities(predictor.encode(List.of(pixels)))[0];
                    List<String> cells = new java.util.ArrayList<>();
                    for (float p : probabilities) {
                        cells.add(String.format(java.util.Locale.ROOT, "%.7f", p));
                    }
                    out.println(csvRow(image.toString(), cells));
                    return;
                }
                Prediction prediction = predictor.predict(List.of(pixels), top).get(0);
                if (explainer != null) {
                    explain(predictor, explainer, image, pixels, prediction);
                }
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

    /** A CSV line: the first cell, then the others; a cell holding a comma or a quote is quoted. */
    static String csvRow(String first, List<String> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream())
                .map(cell -> cell.contains(",") || cell.contains("\"") ? "\"" + cell.replace("\"", "\"\"") + "\""
                        : cell)
                .collect(Collectors.joining(","));
    }

    private Explainer explainer(Predictor predictor) {
        Explainer explainer;
        try {
            explainer = Explainer.of(method);
        } catch (IllegalArgumentException e) {
            throw new UserError("--method: " + e.getMessage());
        }
        explainer.unsupported(predictor).ifPresent(why -> {
            throw new UserError("--method " + method + ": " + why);
        });
        try {
            Files.createDirectories(explainDir);
        } catch (IOException e) {
            throw new UserError("cannot create " + explainDir + ": " + e.getMessage());
        }
        return explainer;
    }

    /** The map of the answered class, drawn over the converted image, as DIR/<file name>.<method>.png. */
    private void explain(Predictor predictor, Explainer explainer, Path image, byte[] pixels, Prediction prediction) {
        float[] map = explainer.maps(predictor, predictor.encode(List.of(pixels)),
                new int[] {prediction.best().classIndex()})[0];
        ImageShape shape = predictor.encoder().shape();
        // the whole file name: a.png and a.jpg explained side by side do not overwrite each other
        String name = image.getFileName() + "." + explainer.id() + ".png";
        Path target = explainDir.resolve(name);
        try {
            Files.write(target, Overlay.png(pixels, map, shape.width(), shape.height()));
        } catch (IOException e) {
            throw new UserError("cannot write " + target + ": " + e.getMessage());
        }
    }
}
