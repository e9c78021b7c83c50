package dev.fmnist.cli.data;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.data.image.ImageFolderExport;
import dev.fmnist.data.image.ProductPhotos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write one dataset image as a 28x28 grey PNG, as stored (light garment on black): "
                + "a real input for predict, the server and its tests; or, with --folder, a whole set as a folder "
                + "of labelled images, one sub-folder per class.")
public final class DataExportCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--set", defaultValue = "test", description = "train or test (default: ${DEFAULT-VALUE}).")
    DataPreviewCommand.Set set;

    @Option(names = "--index", paramLabel = "N", description = "The image's position in the set, from 0.")
    Integer index;

    @Option(names = "--out", paramLabel = "FILE.png", description = "Where to write the PNG.")
    Path out;

    @Option(names = "--folder", paramLabel = "DIR",
            description = "Write the set as DIR/<class>/<index>.png instead of one image.")
    Path folder;

    @Option(names = "--per-class", paramLabel = "N", defaultValue = "2147483647",
            description = "With --folder: at most N images of each class, in set order (default: all).")
    int perClass;

    @Option(names = "--classes", paramLabel = "NAME", split = ",",
            description = "With --folder: only these classes, by name or folder name (default: all).")
    List<String> classes;

    @Option(names = "--photos", description = "With --folder: product photos of the images (dark on a light "
            + "backdrop, margins, noise, JPEG or PNG; seeded by --photo-seed) instead of the stored 28x28 pixels.")
    boolean photos;

    @Option(names = "--photo-seed", defaultValue = "7", description = "Seed of the photos (default: ${DEFAULT-VALUE}).")
    long photoSeed;

    private Set<Integer> labels(List<String> names) {
        if (classes == null) {
            return IntStream.range(0, names.size()).boxed().collect(Collectors.toSet());
        }
        Set<Integer> labels = new TreeSet<>();
        for (String wanted : classes) {
            int label = IntStream.range(0, names.size())
                    .filter(i -> names.get(i).equalsIgnoreCase(wanted.strip())
                            || ImageFolderExport.folderName(names.get(i)).equalsIgnoreCase(wanted.strip()))
                    .findFirst()
                    .orElseThrow(() -> new UserError("--classes: no class '" + wanted + "'; the classes are "
                            + String.join(", ", names)));
            labels.add(label);
        }
        return labels;
    }

    @Override
    public Integer call() {
        DataSource data = Bootstrap.injector(options).getInstance(DataSource.class);
        LabelledImages images = set == DataPreviewCommand.Set.train ? data.trainingImages() : data.testImages();
        if (folder != null) {
            if (index != null || out != null) {
                throw new UserError("--folder writes a whole set: leave out --index and --out");
            }
            if (perClass < 1) {
                throw new UserError("--per-class must be at least 1, got " + perClass);
            }
            Set<Integer> labels = labels(images.classNames());
            int written = ImageFolderExport.write(images, folder, perClass,
                    photos ? new ProductPhotos(images, photoSeed) : null, labels::contains);
            spec.commandLine().getOut().printf("Wrote %,d %s images to %s, one folder per class%n", written,
                    photos ? "photos of " + set : set.toString(), folder);
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (index == null || out == null) {
            throw new UserError("give --index and --out for one image, or --folder for a whole set");
        }
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
