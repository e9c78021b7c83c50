package dev.fmnist.cli.search;

import com.google.inject.Injector;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.folder.ImageFolderSource;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.CatalogIndexer;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
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

@Command(name = "index", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Build a similar-item index of a catalog: every image embedded by a run's model (the layer "
                + "before its classifier, L2-normalized), with the items' ids, classes and thumbnails.")
public final class IndexCommand implements Callable<Integer> {

    /** Above this many items, --search auto builds the approximate graph too. */
    static final int AUTO_HNSW_ITEMS = 20_000;

    enum Set { train, test, all }

    enum SearchKind { auto, exact, hnsw }

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run (or model file) whose model embeds.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "INDEX", description = "The index folder to write.")
    Path out;

    @Option(names = "--set", defaultValue = "train",
            description = "Which images: train, test or all (default: ${DEFAULT-VALUE}).")
    Set set;

    @Option(names = "--search", defaultValue = "auto", description = "exact (one matrix product per query), hnsw "
            + "(also an approximate graph), or auto: hnsw above " + AUTO_HNSW_ITEMS
            + " items (default: ${DEFAULT-VALUE}).")
    SearchKind search;

    @Mixin
    HnswOptions hnswOptions;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CatalogIndex.Hnsw settings = hnswOptions.settings();
        Injector injector = Bootstrap.injector(options);
        Path modelFile = RunDirectory.modelOf(model);
        Predictor predictor = Predictor.load(modelFile, injector.getInstance(PluginClasses.class));
        DataSource data = injector.getInstance(DataSource.class);
        List<LabelledImages> parts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        if (set != Set.test) {
            parts.add(data.trainingImages());
            ids.addAll(ids(data, true));
        }
        if (set != Set.train) {
            parts.add(data.testImages());
            ids.addAll(ids(data, false));
        }
        LabelledImages images = concat(parts);
        boolean hnsw = search == SearchKind.hnsw || (search == SearchKind.auto && images.count() > AUTO_HNSW_ITEMS);
        long started = System.nanoTime();
        CatalogIndex index = CatalogIndexer.index(predictor, modelFile, images, ids, data.description() + ", " + set
                + " images", hnsw ? settings : null);
        double seconds = (System.nanoTime() - started) / 1e9;
        index.save(out);
        PrintWriter printer = spec.commandLine().getOut();
        printer.printf(Locale.ROOT, "Indexed %,d %s images of %s with %s (%d dimensions, %s) in %.1f s: %s%n",
                index.size(), set, data.description(), predictor.manifest().modelId(), index.manifest().dimensions(),
                hnsw ? "exact and HNSW m=" + settings.m() + " ef=" + settings.ef() : "exact search", seconds, out);
        printer.flush();
        return 0;
    }

    /** A folder's images by their paths in it; dataset images as {@code train/00042}. */
    private static List<String> ids(DataSource data, boolean training) {
        if (data instanceof ImageFolderSource folder) {
            return training ? folder.trainingIds() : folder.testIds();
        }
        int count = training ? data.trainingImages().count() : data.testImages().count();
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(String.format(Locale.ROOT, "%s/%05d", training ? "train" : "test", i));
        }
        return ids;
    }

    private static LabelledImages concat(List<LabelledImages> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        LabelledImages first = parts.get(0);
        int count = parts.stream().mapToInt(LabelledImages::count).sum();
        ByteBuffer pixels = ByteBuffer.allocate(count * first.shape().pixels());
        byte[] labels = new byte[count];
        int at = 0;
        for (LabelledImages part : parts) {
            pixels.put(part.pixelBuffer());
            for (int i = 0; i < part.count(); i++) {
                labels[at++] = (byte) part.label(i);
            }
        }
        return new LabelledImages(first.shape(), pixels.array(), labels, first.classNames());
    }
}
