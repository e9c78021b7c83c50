package dev.fmnist.cli.bench;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.bench.ForwardPassTimer;
import dev.fmnist.bench.Medians;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The forward pass alone, as the server runs it (the run's best model, inference mode, probabilities
 * copied out), at the batch sizes the server forms, with DL4J's layer helpers off and on, loaded and
 * measured in alternating rounds in one process.
 */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Images/s of a trained model's forward pass per batch size, layer helpers off and on.")
public final class InferBenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "The run folder (or model file) to measure.")
    Path run;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,64", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--seconds", defaultValue = "2", description = "Measured seconds per cell and round (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--repeat", defaultValue = "3", description = "Alternating rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (seconds <= 0 || repeat < 1 || batchSizes.stream().anyMatch(b -> b < 1 || b > 4096)) {
            throw new UserError("--seconds must be positive, --repeat at least 1 and each batch size 1..4096");
        }
        var injector = Bootstrap.injector(options);
        LabelledImages test = injector.getInstance(DataSource.class).testImages();
        PluginClasses classes = injector.getInstance(PluginClasses.class);
        boolean configured = LayerHelpers.enabled();
        double[][][] rates = new double[2][batchSizes.size()][repeat];  // [helpers off, on][batch size][round]
        try {
            for (int round = -1; round < repeat; round++) {  // round -1 warms up the JIT and both native paths
                for (int helpers = 0; helpers < 2; helpers++) {
                    LayerHelpers.enable(helpers == 1);
                    Predictor predictor = Predictor.load(run, classes);
                    for (int b = 0; b < batchSizes.size(); b++) {
                        double rate = ForwardPassTimer.imagesPerSecond(predictor, test, batchSizes.get(b),
                                round < 0 ? 0.3 : seconds);
                        if (round >= 0) {
                            rates[helpers][b][round] = rate;
                        }
                    }
                }
            }
        } finally {
            LayerHelpers.enable(configured);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s, forward pass, %d rounds (medians):%n", run, repeat);
        out.println("| batch | helpers off | helpers on | on/off |");
        out.println("|---|---|---|---|");
        for (int b = 0; b < batchSizes.size(); b++) {
            double off = Medians.of(rates[0][b]);
            double on = Medians.of(rates[1][b]);
            out.printf("| %d | %,.0f img/s | %,.0f img/s | %.2fx |%n", batchSizes.get(b), off, on, on / off);
        }
        out.flush();
        return 0;
    }
}
