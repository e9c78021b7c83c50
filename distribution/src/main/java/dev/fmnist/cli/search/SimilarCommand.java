package dev.fmnist.cli.search;

import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.ImageFiles;
import dev.fmnist.cli.UserError;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.CatalogIndexer;
import dev.fmnist.runtime.search.IndexException;
import dev.fmnist.runtime.search.Neighbour;
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

@Command(name = "similar", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the catalog items most similar to image files (any size and format, converted as for "
                + "predict), or to items of the index itself.")
public final class SimilarCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "INDEX", description = "An index folder made by 'fmnist index'.")
    Path indexFolder;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--item", paramLabel = "ID", description = "An item of the index to start from (repeatable).")
    List<String> items = new ArrayList<>();

    @Option(names = {"-k", "--k"}, defaultValue = "10",
            description = "Neighbours per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--exact", description = "Compare with every item, even when the index has an HNSW graph.")
    boolean exact;

    @Option(names = "--model", paramLabel = "RUN_DIR", description = "Where the index's model is now, if it moved "
            + "(it must be the same model file).")
    Path model;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (k < 1 || k > 1000) {
            throw new UserError("-k must be between 1 and 1000, got " + k);
        }
        if (images.isEmpty() && items.isEmpty()) {
            throw new UserError("give image files, or --item ID for an item of the index");
        }
        CatalogIndex index = CatalogIndex.load(indexFolder);
        PrintWriter out = spec.commandLine().getOut();
        for (String id : items) {
            int position = index.position(id).orElseThrow(() -> new UserError("the index " + indexFolder
                    + " holds no item '" + id + "'"));
            print(out, "item " + id, search(index, index.embedding(position)));
        }
        ImageFiles files = new ImageFiles(spec.commandLine().getErr());
        if (!images.isEmpty()) {
            Predictor predictor = predictor(index);
            for (Path image : images) {
                files.pixels(image).ifPresent(pixels ->
                        print(out, image.toString(), search(index, predictor.embed(List.of(pixels))[0])));
            }
        }
        out.flush();
        return files.exitCode();
    }

    private List<Neighbour> search(CatalogIndex index, float[] query) {
        return exact ? index.neighbours(index.exact().nearest(query, k)) : index.nearest(query, k);
    }

    /** The index's own model, checked by content: another model's embeddings would be meaningless here. */
    private Predictor predictor(CatalogIndex index) {
        Path file = model != null ? dev.fmnist.runtime.run.RunDirectory.modelOf(model)
                : Path.of(index.manifest().modelFile());
        if (!Files.isRegularFile(file)) {
            throw new IndexException("the index's model " + file + " is not there any more; give its new place "
                    + "with --model");
        }
        if (!CatalogIndexer.sameNetwork(file, index.manifest().modelSha256())) {
            throw new IndexException(file + " is not the model the index " + indexFolder + " was built with ("
                    + index.manifest().modelFile() + "): embeddings of two models cannot be compared; rebuild the "
                    + "index with 'fmnist index'");
        }
        return Predictor.load(file, Bootstrap.injector(options).getInstance(PluginClasses.class));
    }

    private static void print(PrintWriter out, String query, List<Neighbour> neighbours) {
        out.printf("%s:%n", query);
        int rank = 1;
        for (Neighbour n : neighbours) {
            out.printf(Locale.ROOT, "  %2d. %-28s %-12s %.3f%n", rank++, n.id(), n.label(), n.similarity());
        }
    }
}
