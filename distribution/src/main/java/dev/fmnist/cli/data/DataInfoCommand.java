package dev.fmnist.cli.data;

import com.google.inject.Injector;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.data.folder.ImageFolderSource;
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
        description = "Where the data was found, its files and checksums (or an image folder's skipped files), and "
                + "the class balance of each split.")
public final class DataInfoCommand implements Callable<Integer> {

    /** Skipped files listed by name; the rest are counted. */
    private static final int LISTED_SKIPS = 20;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Injector injector = Bootstrap.injector(options);
        DataSource data = injector.getInstance(DataSource.class);
        DataConfig config = injector.getInstance(DataConfig.class);
        PrintWriter out = spec.commandLine().getOut();
        if (data instanceof FashionMnist fashion) {
            printFiles(out, fashion.dataset());
        } else if (data instanceof ImageFolderSource folder) {
            printFolder(out, folder, config);
        }
        SplitData split = SplitData.of(data, config.seed(), config.validationFraction());
        out.printf("%nImages: %,d training, %,d test%n", data.trainingImages().count(), data.testImages().count());
        out.printf("Split (seed %d, validation %.0f%% of each class): train %,d, validation %,d, test %,d%n%n",
                split.seed(), split.validationFraction() * 100, split.train().count(), split.validation().count(),
                split.test().count());
        printBalance(out, data.trainingImages(), split);
        out.flush();
        return 0;
    }

    private static void printFiles(PrintWriter out, LoadedDataset loaded) {
        out.printf("Fashion-MNIST in %s%n  found by: %s%n  read in %,d ms%n%n", loaded.location().folder(),
                loaded.location().origin(), loaded.loadMillis());
        out.printf("%-28s %8s  %s%n", "file", "records", "SHA-256 of content");
        List<FileCheck> checks = loaded.checks();
        int[] records = {loaded.trainingImages().count(), loaded.trainingImages().count(),
                loaded.testImages().count(), loaded.testImages().count()};
        for (int i = 0; i < checks.size(); i++) {
            out.printf("%-28s %,8d  %s%n", checks.get(i).path().getFileName(), records[i], checks.get(i).status());
        }
    }

    private static void printFolder(PrintWriter out, ImageFolderSource folder, DataConfig config) {
        int readable = folder.trainingImages().count() + folder.testImages().count();
        out.printf("Image folder %s%n  %,d readable images in %d classes (the sub-folders' names), %,d skipped%n",
                folder.root(), readable, folder.classNames().size(), folder.skipped().size());
        if (folder.presplit()) {
            out.printf("  test images: those in %s%n", folder.root().resolve(ImageFolderSource.TEST));
        } else {
            out.printf("  test images: %.0f%% of each class, the same for every seed%n", config.testFraction() * 100);
        }
        out.printf("  fingerprint (SHA-256 of the training images): %s%n", folder.fingerprint());
        List<ImageFolderSource.Skipped> skipped = folder.skipped();
        if (!skipped.isEmpty()) {
            out.printf("%nSkipped files (not readable images):%n");
            skipped.stream().limit(LISTED_SKIPS).forEach(s -> out.printf("  %s: %s%n", s.file(), s.reason()));
            if (skipped.size() > LISTED_SKIPS) {
                out.printf("  ... and %,d more%n", skipped.size() - LISTED_SKIPS);
            }
        }
    }

    private static void printBalance(PrintWriter out, LabelledImages training, SplitData split) {
        List<LabelledImages> sets = List.of(training, split.train(), split.validation(), split.test());
        List<String> names = training.classNames();
        int width = Math.max(12, names.stream().mapToInt(String::length).max().orElse(0));
        String row = "%-3s %-" + width + "s %9s %7s %7s %7s%n";
        String counts = "%-3s %-" + width + "s %,9d %,7d %,7d %,7d%n";
        out.printf(row, "", "class", "training", "train", "val", "test");
        List<int[]> perClass = sets.stream().map(LabelledImages::classCounts).toList();
        for (int c = 0; c < names.size(); c++) {
            out.printf(counts, c, names.get(c), perClass.get(0)[c], perClass.get(1)[c], perClass.get(2)[c],
                    perClass.get(3)[c]);
        }
        out.printf(counts, "", "total", sets.get(0).count(), sets.get(1).count(), sets.get(2).count(),
                sets.get(3).count());
    }
}
