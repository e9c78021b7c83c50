package dev.fmnist.cli.bench;

import com.google.inject.Injector;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.bench.ThreadsComparison;
import dev.fmnist.bench.ThreadsComparison.Figures;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.cli.config.ConfigKeys;
import dev.fmnist.cli.config.ConfigSources;
import dev.fmnist.cli.config.PropertiesFileEdit;
import dev.fmnist.cli.config.Settings;
import dev.fmnist.data.DataConfig;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.nativecpu.CpuInfo;
import dev.fmnist.runtime.nativecpu.NativeThreads;
import dev.fmnist.training.Parallelism;
import dev.fmnist.training.ThreadSettings;
import dev.fmnist.training.TrainingConfig;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures how each model trains fastest on this machine ({@link ThreadsComparison}) and, asked to, writes the
 * choice into the configuration as {@code train.threads} entries, so that trainings start with it instead of timing
 * their first batches.
 */
@Command(name = "threads", mixinStandardHelpOptions = true,
        description = "Training images/s of each model with 1, half and all of the threads and with 2 data-parallel "
                + "workers; --write keeps the fastest as train.threads.")
public final class ThreadsBenchCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", split = ",", defaultValue = "mlp,cnn,deep-cnn,vgg,resnet",
            description = "Model plugins, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--images", defaultValue = "3200",
            description = "Training images per epoch; each run trains two epochs and the second counts "
                    + "(default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--repeat", defaultValue = "2",
            description = "Alternating rounds; medians decide (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--write", arity = "0..1", fallbackValue = "", paramLabel = "FILE",
            description = "Write the choices into FILE as train.threads, keeping its other models' entries "
                    + "(default FILE: this installation's conf/fmnist.properties).")
    String write;

    @Override
    public Integer call() throws IOException {
        if (images < 100 || repeat < 1) {
            throw new UserError("--images must be at least 100 and --repeat at least 1");
        }
        Optional<Path> target = target();
        // the models not measured now keep the file's entries; a broken file is said before minutes of measuring
        ThreadSettings chosen = target.isPresent() ? written(target.get()) : ThreadSettings.of(TrainingThreads.auto());
        Injector injector = Bootstrap.injector(options);
        ModelRegistry registry = injector.getInstance(ModelRegistry.class);
        models.forEach(registry::get);  // an unknown model fails before any measuring
        TrainingConfig training = injector.getInstance(Settings.class).training();
        DataSource source = injector.getInstance(DataSource.class);
        DataConfig data = injector.getInstance(DataConfig.class);
        List<Parallelism> candidates = TrainingThreads.candidates(NativeThreads.available());
        ThreadsComparison comparison = new ThreadsComparison(parallelism -> new TrainingEngine(registry, source, data,
                training.withThreads(ThreadSettings.of(TrainingThreads.fixed(parallelism)))), candidates, repeat);

        PrintWriter out = spec.commandLine().getOut();
        out.printf("On %s; %,d images a run, two epochs, the second counted; %d rounds (medians):%n",
                CpuInfo.read().describe(), images, repeat);
        Path scratch = Files.createTempDirectory("fmnist-bench-threads");
        try {
            for (String model : models) {
                Figures figures = comparison.measure(model, images, scratch);
                print(out, figures);
                chosen = chosen.with(model, TrainingThreads.fixed(figures.chosen()));
            }
        } finally {
            ScratchFolder.delete(scratch);
        }
        String line = ConfigKeys.TRAIN_THREADS.name() + " = " + chosen.text();
        if (target.isPresent()) {
            PropertiesFileEdit.set(target.get(), ConfigKeys.TRAIN_THREADS.name(), chosen.text());
            out.printf("Written to %s: %s%n", target.get(), line);
        } else {
            out.printf("To keep it: --write (this installation's conf/fmnist.properties), or in a configuration "
                    + "file: %s%n", line);
        }
        out.flush();
        return 0;
    }

    /** Where {@code --write} goes, checked before minutes of measuring. */
    private Optional<Path> target() {
        if (write == null) {
            return Optional.empty();
        }
        Path file = write.isEmpty()
                ? ConfigSources.ofProcess(options.flags(), options.configFile()).installationFile()
                        .orElseThrow(() -> new UserError("--write without a FILE writes this installation's "
                                + "conf/fmnist.properties, and this process was not started by the launcher: "
                                + "name a file"))
                : Path.of(write);
        if (!file.getFileName().toString().endsWith(".properties")) {
            throw new UserError("--write: " + file + " is not a .properties file (a YAML configuration is not "
                    + "edited: add train.threads to it by hand)");
        }
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder) || !Files.isWritable(folder) || (Files.exists(file) && !Files.isWritable(file))) {
            throw new UserError("--write: cannot write " + file + " (its folder must exist and both be writable)");
        }
        return Optional.of(file);
    }

    /** What the file says already. */
    private static ThreadSettings written(Path file) {
        try {
            return ThreadSettings.parse(PropertiesFileEdit.get(file, ConfigKeys.TRAIN_THREADS.name()).orElse("auto"));
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("--write: " + file + ": " + e.getMessage());
        }
    }

    private static void print(PrintWriter out, Figures figures) {
        out.printf("%s:%n", figures.model());
        for (int c = 0; c < figures.candidates().size(); c++) {
            Parallelism candidate = figures.candidates().get(c);
            out.printf("  %-24s %,8.0f img/s%s%n", candidate, figures.imagesPerSecond()[c],
                    candidate.equals(figures.chosen()) ? "  <- the fastest" : "");
        }
        out.flush();
    }
}
