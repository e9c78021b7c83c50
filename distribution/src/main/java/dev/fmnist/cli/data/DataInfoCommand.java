package dev.fmnist.cli.data;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.data.source.FileCheck;
import dev.fmnist.data.source.LoadedDataset;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Where the data was found, its files and checksums, and the class balance of each split.")
public final class DataInfoCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        FashionMnist data = Bootstrap.injector(options).getInstance(FashionMnist.class);
        LoadedDataset loaded = data.dataset();
        SplitData split = data.split();
        PrintWriter out = spec.commandLine().getOut();

        out.printf("Fashion-MNIST in %s%n  found by: %s%n  read in %,d ms%n%n", loaded.location().folder(),
                loaded.location().origin(), loaded.loadMillis());
        out.printf("%-28s %8s  %s%n", "file", "records", "SHA-256 of content");
        List<FileCheck> checks = loaded.checks();
        int[] records = {loaded.trainingImages().count(), loaded.trainingImages().count(),
                loaded.testImages().count(), loaded.testImages().count()};
        for (int i = 0; i < checks.size(); i++) {
            out.printf("%-28s %,8d  %s%n", checks.get(i).path().getFileName(), records[i], checks.get(i).status());
        }

        out.printf("%nImages: %,d training, %,d test%n", loaded.trainingImages().count(), loaded.testImages().count());
        out.printf("Split (seed %d, validation %.0f%% of each class): train %,d, validation %,d, test %,d%n%n",
                split.seed(), split.validationFraction() * 100, split.train().count(), split.validation().count(),
                split.test().count());
        printBalance(out, loaded, split);
        out.flush();
        return 0;
    }

    private static void printBalance(PrintWriter out, LoadedDataset loaded, SplitData split) {
        List<LabelledImages> sets = List.of(loaded.trainingImages(), split.train(), split.validation(), split.test());
        out.printf("%-3s %-12s %9s %7s %7s %7s%n", "", "class", "training", "train", "val", "test");
        List<int[]> counts = sets.stream().map(LabelledImages::classCounts).toList();
        List<String> names = loaded.trainingImages().classNames();
        for (int c = 0; c < names.size(); c++) {
            out.printf("%-3d %-12s %,9d %,7d %,7d %,7d%n", c, names.get(c), counts.get(0)[c], counts.get(1)[c],
                    counts.get(2)[c], counts.get(3)[c]);
        }
        out.printf("%-3s %-12s %,9d %,7d %,7d %,7d%n", "", "total", sets.get(0).count(), sets.get(1).count(),
                sets.get(2).count(), sets.get(3).count());
    }
}
