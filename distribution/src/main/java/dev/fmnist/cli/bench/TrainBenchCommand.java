package dev.fmnist.cli.bench;

import com.google.inject.Injector;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.bench.Medians;
import dev.fmnist.bench.PlainTrainingLoop;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Training images/s of each model in three set-ups, alternated in one process so that all see the same
 * machine: a plain DL4J loop ({@code net.fit} over batches already in memory, no listeners, no validation)
 * as DL4J runs it by default, with its layer helpers off; the engine with the helpers off; and the engine
 * with the oneDNN helpers on, as the platform trains. The ratios are what to quote.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Training images/s: a plain DL4J loop, the engine with layer helpers off, and with them on.")
public final class TrainBenchCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", split = ",", defaultValue = "mlp,cnn,deep-cnn,vgg",
            description = "Model plugins, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--images", defaultValue = "6000", description = "Training images per epoch (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--repeat", defaultValue = "2", description = "Alternating rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--progress", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Draw the engine's progress bar on stderr, so its cost is counted (default: ${DEFAULT-VALUE}).")
    boolean progress;

    /** Images/s of one model: plain loop with helpers off, engine off and on (training phase, whole epoch). */
    private record Figures(String model, int images, String batchSize, double plain, double engineOff,
            double engineOffEpoch, double engineOn, double engineOnEpoch) {}

    @Override
    public Integer call() throws IOException {
        if (images < 100 || repeat < 1) {
            throw new UserError("--images must be at least 100 and --repeat at least 1");
        }
        Injector injector = Bootstrap.injector(options);
        ModelRegistry registry = injector.getInstance(ModelRegistry.class);
        models.forEach(registry::get);  // an unknown model fails before any measuring
        long seed = injector.getInstance(DataConfig.class).seed();
        TrainingEngine engine = injector.getInstance(TrainingEngine.class);
        SplitData split = injector.getInstance(FashionMnist.class).split().limit(images, images);
        PrintWriter out = spec.commandLine().getOut();

        boolean configured = LayerHelpers.enabled();
        Path scratch = Files.createTempDirectory("fmnist-bench");
        List<Figures> all = new ArrayList<>();
        try {
            for (String model : models) {
                Figures figures = measure(registry.get(model), seed, engine, split, scratch.resolve(model));
                all.add(figures);
                print(out, figures);
            }
        } finally {
            LayerHelpers.enable(configured);
            delete(scratch);
        }
        out.println();
        out.println("| model | plain DL4J loop | engine, helpers off | engine, helpers on | on/off | engine/plain (off) |");
        out.println("|---|---|---|---|---|---|");
        for (Figures f : all) {
            out.printf("| %s | %,.0f img/s | %,.0f img/s | %,.0f img/s | %.2fx | %.2f |%n", f.model(), f.plain(),
                    f.engineOff(), f.engineOn(), f.engineOn() / f.engineOff(), f.engineOff() / f.plain());
        }
        out.flush();
        return 0;
    }

    private Figures measure(RegisteredPlugin plugin, long seed, TrainingEngine engine, SplitData split, Path runs) {
        int used = split.train().count();
        LayerHelpers.enable(false);
        PlainTrainingLoop.imagesPerSecond(plugin, seed, split.train(), Math.min(used, 1_000));  // warm-up: JIT and native libraries, both paths
        LayerHelpers.enable(true);
        PlainTrainingLoop.imagesPerSecond(plugin, seed, split.train(), Math.min(used, 1_000));
        double[] plain = new double[repeat];
        double[][] off = new double[2][repeat];
        double[][] on = new double[2][repeat];
        for (int round = 0; round < repeat; round++) {
            LayerHelpers.enable(false);
            plain[round] = PlainTrainingLoop.imagesPerSecond(plugin, seed, split.train(), used);
            engineEpoch(engine, plugin.id(), used, runs.resolve("off-" + round), off, round);
            LayerHelpers.enable(true);
            engineEpoch(engine, plugin.id(), used, runs.resolve("on-" + round), on, round);
        }
        String batchSize = Integer.toString(ModelBuilder.batchSize(ModelBuilder.resolve(plugin, Map.of())));
        return new Figures(plugin.id(), used, batchSize, Medians.of(plain), Medians.of(off[0]), Medians.of(off[1]),
                Medians.of(on[0]), Medians.of(on[1]));
    }

    /** One epoch of the engine: [0] the training phase, [1] the whole epoch with validation and both checkpoints. */
    private void engineEpoch(TrainingEngine engine, String model, int used, Path run, double[][] into, int round) {
        TrainingRequest request = new TrainingRequest(model, Map.of(), OptionalInt.of(1), OptionalInt.of(0),
                OptionalInt.of(used), Optional.of(run), Optional.empty(), progress);
        RunSummary summary = engine.train(request);
        into[0][round] = summary.trainingImagesPerSecond();
        EpochMetrics[] history = Json.read(run.resolve("history.json"), EpochMetrics[].class);
        into[1][round] = used / (history[0].epochMillis() / 1000.0);
    }

    private void print(PrintWriter out, Figures f) {
        out.printf("%s, %,d images x 1 epoch, batch %s, %d rounds (medians):%n", f.model(), f.images(), f.batchSize(), repeat);
        out.printf("  plain DL4J loop, helpers off (DL4J's default)     %,8.0f img/s%n", f.plain());
        out.printf("  engine, helpers off: training phase              %,8.0f img/s  %.2fx the plain loop%n", f.engineOff(),
                f.engineOff() / f.plain());
        out.printf("  engine, helpers off: whole epoch (+ validation)  %,8.0f img/s%n", f.engineOffEpoch());
        out.printf("  engine, helpers on:  training phase              %,8.0f img/s  %.2fx helpers off%n", f.engineOn(),
                f.engineOn() / f.engineOff());
        out.printf("  engine, helpers on:  whole epoch (+ validation)  %,8.0f img/s  %.2fx helpers off%n", f.engineOnEpoch(),
                f.engineOnEpoch() / f.engineOffEpoch());
        out.flush();
    }

    private static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }
}
