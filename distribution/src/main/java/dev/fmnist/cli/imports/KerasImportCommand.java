package dev.fmnist.cli.imports;

import dev.fmnist.cli.UserError;
import dev.fmnist.data.FashionClass;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.keras.KerasImport;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.server.ModelSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "keras", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Import a Keras 2 HDF5 model (model.save(\"model.h5\"); Sequential or functional, on 28x28 "
                + "grey images [28,28,1], [28,28] or [784], ending in one softmax) as a run folder: OUT/best.zip, "
                + "converted to channels-first and checked to answer as DL4J's importer does. docs/IMPORT.md says "
                + "what is supported and how to check the import against Keras's own predictions.")
public final class KerasImportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL.h5", description = "The Keras model file.")
    Path file;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The model's name, its id where the platform shows or serves it (default: the file's name "
                    + "without .h5).")
    String name;

    @ArgGroup(exclusive = true)
    Pixels pixels;

    static final class Pixels {
        @Option(names = "--scale", paramLabel = "FACTOR", description = "Each pixel (0-255) times FACTOR is the "
                + "model's input, as it was trained: 1/255 (the default, Keras's x / 255.0), 1 for raw pixels, or "
                + "any number.")
        String scale;

        @Option(names = "--normalize", paramLabel = "MEAN,STD", split = ",", hideParamSyntax = true,
                description = "The model's input is (pixel / 255 - MEAN) / STD, as it was trained.")
        List<Double> normalize;
    }

    @Option(names = "--classes", paramLabel = "NAME,...", split = ",", hideParamSyntax = true,
            description = "The class of each output unit, in order (default: Fashion-MNIST's ten).")
    List<String> classes = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "The run folder (new; default: runs/<name>-<time>).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String model = name != null ? name : defaultName(file);
        if (!ModelSource.isValidName(model)) {
            throw new UserError("--name '" + model + "' must be letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit, at most 64 characters");
        }
        List<String> classNames = classes.isEmpty() ? FashionClass.displayNames() : classes.stream().map(String::trim)
                .toList();
        if (classNames.stream().anyMatch(String::isEmpty) || classNames.stream().distinct().count() < classNames.size()) {
            throw new UserError("--classes " + String.join(",", classes) + ": every class needs a name of its own "
                    + "(none empty, none twice)");
        }
        Path runDir = out != null ? out : RunDirectory.newPath(Path.of("runs"), model, LocalDateTime.now());
        KerasImport.Result result = KerasImport.importFile(file,
                new KerasImport.Options(model, normalization(), classNames), runDir);
        PrintWriter w = spec.commandLine().getOut();
        var imported = result.manifest().imported();
        w.printf("imported %s (Keras %s, %s backend, input %s) as '%s', %,d parameters:%n%s", file.getFileName(),
                imported.version(), imported.backend(), imported.inputShape(), model,
                result.manifest().parameters(), result.layers());
        w.printf("converted: %s%n", imported.conversion());
        w.printf("run folder: %s (evaluate it: fmnist evaluate %s)%n", runDir, runDir);
        w.flush();
        return 0;
    }

    /** How a pixel becomes the model's input, from --scale or --normalize. */
    private Normalization normalization() {
        if (pixels == null || (pixels.scale == null && pixels.normalize == null)) {
            return Normalization.scale();
        }
        if (pixels.normalize != null) {
            if (pixels.normalize.size() != 2) {
                throw new UserError("--normalize takes MEAN,STD, two numbers, got " + pixels.normalize);
            }
            return checked(pixels.normalize.get(0), pixels.normalize.get(1), "--normalize " + pixels.normalize);
        }
        double factor = factor(pixels.scale);
        // pixel * factor = (pixel / 255 - 0) / std
        return checked(0, 1 / (255 * factor), "--scale " + pixels.scale);
    }

    private static Normalization checked(double mean, double std, String given) {
        if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new UserError(given + " does not give a positive, finite scale");
        }
        if (mean == 0 && Math.abs(std - 1) < 1e-12) {
            return Normalization.scale();
        }
        return new Normalization(Normalization.Kind.STANDARDIZE, mean, std);
    }

    /** A number such as 0.5, or a fraction such as 1/255. */
    static double factor(String text) {
        try {
            int slash = text.indexOf('/');
            return slash < 0 ? Double.parseDouble(text.trim())
                    : Double.parseDouble(text.substring(0, slash).trim())
                            / Double.parseDouble(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new UserError("--scale '" + text + "' is not a number such as 0.5 or a fraction such as 1/255");
        }
    }

    static String defaultName(Path file) {
        String base = file.getFileName().toString().replaceFirst("(?i)\\.(h5|hdf5|keras)$", "");
        String cleaned = base.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[^A-Za-z0-9]+", "");
        return cleaned.isEmpty() ? "keras-model" : cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
