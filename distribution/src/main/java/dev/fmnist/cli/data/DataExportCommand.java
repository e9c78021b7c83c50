package dev.fmnist.cli.data;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.image.DatasetImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write one dataset image as a 28x28 grey PNG, as stored (light garment on black): "
                + "a real input for predict, the server and its tests.")
public final class DataExportCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--set", defaultValue = "test", description = "train or test (default: ${DEFAULT-VALUE}).")
    DataPreviewCommand.Set set;

    @Option(names = "--index", required = true, paramLabel = "N", description = "The image's position in the set, from 0.")
    int index;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Where to write the PNG.")
    Path out;

    @Override
    public Integer call() {
        FashionMnist data = Bootstrap.injector(options).getInstance(FashionMnist.class);
        LabelledImages images = set == DataPreviewCommand.Set.train ? data.dataset().trainingImages()
                : data.dataset().testImages();
        if (index < 0 || index >= images.count()) {
            throw new UserError("--index must be from 0 to " + (images.count() - 1) + ", got " + index);
        }
        try {
            Files.write(out, DatasetImages.png(images, index));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().printf("Wrote %s: %s image %d, label %d (%s)%n", out, set, index,
                images.label(index), images.classNames().get(images.label(index)));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
