package dev.fmnist.spark.job;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Classify every image of a catalog and write one Parquet row per image: id, path, label, "
                + "probability, top-k labels and probabilities, model, model_version, and error for an image that "
                + "could not be read.")
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    CatalogOptions catalog;

    @Option(names = "--embeddings", description = "Also write each image's L2-normalized embedding (the layer "
            + "before the classifier), for similar-item search.")
    boolean embeddings;

    @Override
    public Integer call() {
        catalog.score(catalog.session("score"), embeddings, false);
        return 0;
    }
}
