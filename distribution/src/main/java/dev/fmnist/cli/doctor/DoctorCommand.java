package dev.fmnist.cli.doctor;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.VersionProvider;
import dev.fmnist.cli.config.PlatformConfig;
import dev.fmnist.cli.config.Settings;
import dev.fmnist.data.DataException;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.source.LoadedDataset;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.nativecpu.CpuInfo;
import dev.fmnist.runtime.nativecpu.NativeThreads;
import dev.fmnist.training.ThreadSettings;
import dev.fmnist.training.TrainingThreads;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report Java, memory, CPU features, the ND4J backend, the data and the configuration in force.")
public final class DoctorCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Injector injector = Bootstrap.injector(options);
        PrintWriter out = spec.commandLine().getOut();
        Runtime runtime = Runtime.getRuntime();

        section(out, "Platform");
        line(out, "fmnist", VersionProvider.platformVersion() + ", DL4J/ND4J " + VersionProvider.versions().getProperty("dl4j"));
        line(out, "java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") at "
                + System.getProperty("java.home"));
        line(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + runtime.availableProcessors() + " processors");
        line(out, "heap", gib(runtime.maxMemory()) + " max (-Xmx)");
        line(out, "off-heap", "javacpp maxbytes " + property("org.bytedeco.javacpp.maxbytes")
                + ", maxphysicalbytes " + property("org.bytedeco.javacpp.maxphysicalbytes"));

        section(out, "CPU");
        CpuInfo cpu = CpuInfo.read();
        line(out, "model", cpu.model() + (cpu.family().isEmpty() ? "" : " (" + cpu.family() + ")"));
        line(out, "features", cpu.summary());

        section(out, "ND4J");
        Nd4jInfo.describe().forEach(l -> out.println("  " + l));
        line(out, "threads", NativeThreads.current() + " native threads now (OMP_NUM_THREADS), pools of up to "
                + NativeThreads.available() + " (SD_MAX_THREADS); trainings: " + trainingThreads(
                        injector.getInstance(Settings.class).training().threads(), NativeThreads.available()));

        String openBlasCore = System.getenv("OPENBLAS_CORETYPE");
        line(out, "openblas", openBlasCore == null || openBlasCore.isBlank()
                ? "kernels chosen by OpenBLAS from the CPU's model (its generic ones for a model it does not know)"
                : openBlasCore + " kernels (OPENBLAS_CORETYPE: the launcher names them on Intel CPUs, or you did)");

        section(out, "Data");
        try {
            LoadedDataset loaded = injector.getInstance(FashionMnist.class).dataset();
            line(out, "location", loaded.description());
            loaded.checks().forEach(c -> line(out, c.path().getFileName().toString(), c.status()));
        } catch (DataException e) {
            line(out, "PROBLEM", e.getMessage());
        }

        section(out, "Plugins");
        ModelRegistry registry = injector.getInstance(ModelRegistry.class);
        registry.plugins().forEach(p -> line(out, p.id(), p.origin()));
        registry.problems().forEach(p -> line(out, "NOT LOADED", p.toString()));

        section(out, "Configuration in force");
        Map<String, String> described = injector.getInstance(PlatformConfig.class).describe();
        described.forEach((key, value) -> line(out, key, value));
        out.flush();
        return 0;
    }

    /** What trainings will do about threads, in a sentence: each model with an entry of its own, then the others. */
    static String trainingThreads(ThreadSettings settings, int available) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(settings.models()).forEach((model, threads) ->
                parts.add(model + ": " + trainingThreads(threads, available)));
        String others = trainingThreads(settings.others(), available);
        parts.add(parts.isEmpty() ? others : "other models: " + others);
        return String.join("; ", parts);
    }

    private static String trainingThreads(TrainingThreads threads, int available) {
        return switch (threads.kind()) {
            case AUTO -> available == 1 ? "1 thread (auto: one is all there is)"
                    : "auto: the first batches are timed with " + TrainingThreads.candidates(available).stream()
                            .map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                            + " (data parallel), the fastest kept";
            case FIXED -> threads.within(available) + (threads.fixed().dataParallel() ? " (data parallel)" : "")
                    + " (train.threads)";
            case INHERIT -> "the launcher's count, fixed by the OMP_NUM_THREADS set before it";
        };
    }

    private static void section(PrintWriter out, String title) {
        out.println();
        out.println(title);
    }

    private static void line(PrintWriter out, String key, String value) {
        out.printf("  %-26s %s%n", key, value);
    }

    private static String property(String name) {
        return System.getProperty(name, "(JavaCPP default)");
    }

    private static String gib(long bytes) {
        return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
