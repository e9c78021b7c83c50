package dev.fmnist.cli.bench;

import com.google.inject.Injector;
import dev.fmnist.api.FashionClass;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.data.prep.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.training.RunSummary;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training engine against a plain DL4J loop ({@code net.fit} over batches already in memory, no
 * listeners, no validation), same model, seed and images, alternated in one process so that both see the
 * same machine: the ratio is what to quote.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Training images/s of the engine (callbacks, validation, checkpoints, progress) against a plain DL4J loop.")
public final class TrainBenchCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "cnn", description = "Model plugin (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--images", defaultValue = "20000", description = "Training images per epoch (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--repeat", defaultValue = "2", description = "Alternating rounds of both; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Draw the engine's progress bar on stderr, so its cost is counted (default: ${DEFAULT-VALUE}).")
    boolean progress;

    @Override
    public Integer call() throws IOException {
        if (images < 100 || repeat < 1) {
            throw new UserError("--images must be at least 100 and --repeat at least 1");
        }
        Injector injector = Bootstrap.injector(options);
        RegisteredPlugin plugin = injector.getInstance(ModelRegistry.class).get(model);
        DataConfig dataConfig = injector.getInstance(DataConfig.class);
        TrainingEngine engine = injector.getInstance(TrainingEngine.class);
        SplitData split = injector.getInstance(FashionMnist.class).split().limit(images, images);
        int used = split.train().count();
        PrintWriter out = spec.commandLine().getOut();

        double[] plain = new double[repeat];
        double[] trainPhase = new double[repeat];
        double[] wholeEpoch = new double[repeat];
        Path scratch = Files.createTempDirectory("fmnist-bench");
        try {
            plainLoop(plugin, dataConfig.seed(), split, Math.min(used, 2_000));  // warm-up: JIT and native libraries
            for (int round = 0; round < repeat; round++) {
                plain[round] = plainLoop(plugin, dataConfig.seed(), split, used);
                TrainingRequest request = new TrainingRequest(model, Map.of(), OptionalInt.of(1), OptionalInt.of(0),
                        OptionalInt.of(used), Optional.of(scratch.resolve("run-" + round)), Optional.empty(), progress);
                RunSummary summary = engine.train(request);
                trainPhase[round] = summary.trainingImagesPerSecond();
                // Whole epoch: training, validation and both checkpoints; not the final test evaluation.
                var history = dev.fmnist.training.run.Json.read(scratch.resolve("run-" + round + "/history.json"),
                        dev.fmnist.api.training.EpochMetrics[].class);
                wholeEpoch[round] = used / (history[0].epochMillis() / 1000.0);
            }
        } finally {
            delete(scratch);
        }
        double base = Medians.of(plain);
        out.printf("%s, %,d images x 1 epoch, batch %s, %d rounds (medians):%n", model, used,
                ModelBuilder.resolve(plugin, Map.of()).values().getOrDefault("batch-size", "64"), repeat);
        out.printf("  plain DL4J loop (net.fit over in-memory batches)     %,8.0f img/s%n", base);
        out.printf("  engine, training phase (batching, probe, callbacks)  %,8.0f img/s  %.3fx%n", Medians.of(trainPhase),
                Medians.of(trainPhase) / base);
        out.printf("  engine, whole epoch (+ validation, checkpoints)      %,8.0f img/s  %.3fx%n", Medians.of(wholeEpoch),
                Medians.of(wholeEpoch) / base);
        out.flush();
        return 0;
    }

    /** One epoch of {@code net.fit} over batches built beforehand, in the engine's batch order. */
    private static double plainLoop(RegisteredPlugin plugin, long seed, SplitData split, int count) {
        BuiltModel built = ModelBuilder.build(plugin, seed, FashionClass.values().length, Map.of());
        MultiLayerNetwork network = built.network();
        int batchSize = built.hyperparameters().values().containsKey("batch-size")
                ? built.hyperparameters().intValue("batch-size") : 64;
        ImageBatchIterator iterator = ImageBatchIterator.shuffled(split.train(), plugin.plugin().inputLayout(),
                Normalization.scale(), batchSize, seed);
        List<DataSet> batches = new ArrayList<>();
        int images = 0;
        while (iterator.hasNext() && images < count) {
            DataSet batch = iterator.next();
            batches.add(batch);
            images += batch.numExamples();
        }
        long started = System.nanoTime();
        for (DataSet batch : batches) {
            network.fit(batch);
        }
        return images / ((System.nanoTime() - started) / 1e9);
    }


    private static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }
}
