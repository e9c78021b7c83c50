package dev.fmnist.cli.bench;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.bench.PhotoAccuracy;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.FashionClass;
import dev.fmnist.data.image.ProductPhotos;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Product photos made from test images, posted to the real server's image endpoint, against the same model
 * on the raw tensors of the same items.
 */
@Command(name = "photos", mixinStandardHelpOptions = true,
        description = "Accuracy of the image endpoint on product photos of test items (dark on a light backdrop, "
                + "with a margin, noise, JPEG or PNG), against the same model on their raw tensors.")
public final class PhotosBenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "The run folder to serve.")
    Path run;

    @Option(names = "--count", defaultValue = "500", description = "Photos, of distinct test images (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--photo-seed", defaultValue = "7", description = "Seed of the items and photos (default: ${DEFAULT-VALUE}).")
    long photoSeed;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write the photos and labels.csv to DIR.")
    Path out;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var injector = Bootstrap.injector(options);
        LabelledImages test = injector.getInstance(DataSource.class).testImages();
        int[] items;
        try {
            items = PhotoAccuracy.items(test, count, photoSeed);
        } catch (IllegalArgumentException e) {
            throw new UserError("--count: " + e.getMessage());
        }
        ProductPhotos photos = new ProductPhotos(test, photoSeed);
        if (out != null) {
            write(photos, items);
        }
        PluginClasses classes = injector.getInstance(PluginClasses.class);
        ServerConfig config = injector.getInstance(ServerConfig.class).withPort(0);
        PhotoAccuracy.Result result;
        try (PredictionServer server = BenchServer.start(config, run, classes)) {
            result = PhotoAccuracy.measure("http://127.0.0.1:" + server.port(), "m", Predictor.load(run, classes),
                    test, items, photos);
        }
        PrintWriter printer = spec.commandLine().getOut();
        printer.printf(Locale.ROOT, "%d product photos of test items (seed %d), %s%n", result.items(), photoSeed, run);
        printer.printf(Locale.ROOT, "raw tensors:    %.2f%%%n", 100 * result.rawAccuracy());
        printer.printf(Locale.ROOT, "image endpoint: %.2f%% (%.1f%% of the raw accuracy)%s%n",
                100 * result.photoAccuracy(), 100 * result.ratio(),
                result.refused() > 0 ? ", " + result.refused() + " refused" : "");
        printer.flush();
        return 0;
    }

    private void write(ProductPhotos photos, int[] items) throws IOException {
        Files.createDirectories(out);
        List<String> lines = new ArrayList<>(List.of("file,label,class,test_index"));
        for (int item : items) {
            ProductPhotos.Photo photo = photos.photo(item);
            String file = String.format(Locale.ROOT, "%05d.%s", item, photo.format());
            Files.write(out.resolve(file), photo.file());
            lines.add(file + "," + photo.label() + "," + FashionClass.displayNames().get(photo.label()) + "," + item);
        }
        Files.write(out.resolve("labels.csv"), lines);
    }
}
