package dev.fmnist.cli.bench;

import com.google.inject.Injector;
import dev.fmnist.bench.TrainingComparison;
import dev.fmnist.bench.TrainingComparison.Figures;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.training.TrainingEngine;
import java.io.IOException;
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
import picocli.CommandLine.Spec;

/** Training images/s of each model in the three set-ups of {@link TrainingComparison}, printed with their ratios. */
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

    @Override
    public Integer call() throws IOException {
        if (images < 100 || repeat < 1) {
            throw new UserError("--images must be at least 100 and --repeat at least 1");
        }
        Injector injector = Bootstrap.injector(options);
        ModelRegistry registry = injector.getInstance(ModelRegistry.class);
        models.forEach(registry::get);  // an unknown model fails before any measuring
        long seed = injector.getInstance(DataConfig.class).seed();
        TrainingComparison comparison = new TrainingComparison(injector.getInstance(TrainingEngine.class), seed, repeat,
                progress);
        SplitData split = injector.getInstance(FashionMnist.class).split().limit(images, images);
        PrintWriter out = spec.commandLine().getOut();

        Path scratch = Files.createTempDirectory("fmnist-bench");
        List<Figures> all = new ArrayList<>();
        try {
            for (String model : models) {
                Figures figures = comparison.measure(registry.get(model), split, scratch.resolve(model));
                all.add(figures);
                print(out, figures);
            }
        } finally {
            ScratchFolder.delete(scratch);
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
}
