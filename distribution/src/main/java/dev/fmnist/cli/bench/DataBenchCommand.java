package dev.fmnist.cli.bench;

import com.google.inject.Injector;
import dev.fmnist.api.InputLayout;
import dev.fmnist.bench.EpochBatchingTimer;
import dev.fmnist.bench.Medians;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.data.source.DatasetLocation;
import dev.fmnist.data.source.DatasetLocator;
import dev.fmnist.data.source.DatasetReader;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Time reading the four IDX files and batching an epoch into ND4J, in both input layouts.")
public final class DataBenchCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--repeat", defaultValue = "5", description = "Measured repetitions after one warm-up (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() {
        if (repeat < 1 || batchSize < 1) {
            throw new UserError("--repeat and --batch-size must be at least 1");
        }
        Injector injector = Bootstrap.injector(options);
        PrintWriter out = spec.commandLine().getOut();
        DatasetLocation location = injector.getInstance(DatasetLocator.class).locate();
        DatasetReader reader = injector.getInstance(DatasetReader.class);

        double[] loads = new double[repeat];
        reader.read(location);
        for (int i = 0; i < repeat; i++) {
            loads[i] = reader.read(location).loadMillis();
        }
        out.printf("read 4 IDX files (decompress, parse, SHA-256): median %.0f ms, min %.0f ms over %d runs%n",
                Medians.of(loads), Arrays.stream(loads).min().orElse(0), repeat);

        SplitData split = injector.getInstance(FashionMnist.class).split();
        DataConfig config = injector.getInstance(DataConfig.class);
        for (InputLayout layout : InputLayout.values()) {
            ImageBatchIterator iterator = ImageBatchIterator.shuffled(split.train(), layout, Normalization.scale(),
                    batchSize, config.seed());
            double[] rates = new double[repeat];
            int pixels = split.train().shape().pixels();
            EpochBatchingTimer.imagesPerSecond(iterator, pixels);  // warm-up
            for (int i = 0; i < repeat; i++) {
                rates[i] = EpochBatchingTimer.imagesPerSecond(iterator, pixels);
            }
            out.printf("batch one epoch (%,d images, batch %d, %s): median %,.0f images/s%n", split.train().count(),
                    batchSize, layout, Medians.of(rates));
        }
        out.flush();
        return 0;
    }
}
