package dev.fmnist.cli.data;

import com.google.inject.Injector;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.augment.Augmentation;
import dev.fmnist.data.folder.ImageFolderSource;
import dev.fmnist.eval.charts.SampleGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "preview", mixinStandardHelpOptions = true,
        description = "Write a PNG grid of sample images, one labelled row per class.")
public final class DataPreviewCommand implements Callable<Integer> {

    enum Set { train, test }

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Where to write the PNG.")
    Path out;

    @Option(names = "--per-class", defaultValue = "10", description = "Samples per class (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--scale", defaultValue = "3", description = "Pixels per image pixel (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--set", defaultValue = "train", description = "train or test (default: ${DEFAULT-VALUE}).")
    Set set;

    @Option(names = "--augment", paramLabel = "SPEC", description = "Show the images as a training run with this "
            + "augmentation sees them in its first epoch, e.g. crop,flip,erase (default: none).")
    String augment;

    @Override
    public Integer call() {
        if (perClass < 1 || perClass > 50) {
            throw new UserError("--per-class must be between 1 and 50, got " + perClass);
        }
        if (scale < 1 || scale > 10) {
            throw new UserError("--scale must be between 1 and 10, got " + scale);
        }
        Augmentation augmentation;
        try {
            augmentation = Augmentation.parse(augment);
        } catch (IllegalArgumentException e) {
            throw new UserError("--augment " + augment + ": " + e.getMessage());
        }
        Injector injector = Bootstrap.injector(options);
        DataSource data = injector.getInstance(DataSource.class);
        long seed = injector.getInstance(DataConfig.class).seed();
        LabelledImages images = set == Set.train ? data.trainingImages() : data.testImages();
        if (!augmentation.isNone()) {
            images = augmentation.applyAll(images, seed, 1);
        }
        BufferedImage grid = SampleGrid.render(images, perClass, scale, seed, title(data) + " " + set + " set: "
                + perClass + " samples per class (seed " + seed + ")"
                + (augmentation.isNone() ? "" : ", augmented: " + augmentation));
        try {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (!ImageIO.write(grid, "png", out.toFile())) {
                throw new UserError("no PNG writer is available in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().printf("Wrote %s (%dx%d pixels, %d classes x %d samples)%n", out,
                grid.getWidth(), grid.getHeight(), images.classNames().size(), perClass);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static String title(DataSource data) {
        return data instanceof ImageFolderSource folder ? "Image folder " + folder.root().getFileName()
                : "Fashion-MNIST";
    }
}
