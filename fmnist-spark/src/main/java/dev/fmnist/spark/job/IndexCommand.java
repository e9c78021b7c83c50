package dev.fmnist.spark.job;

import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.CatalogIndexer;
import dev.fmnist.spark.index.ScoredCatalogIndex;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "index", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score a catalog with embeddings (as score --embeddings, plus each image's 28x28 pixels), then "
                + "build the similar-item index that 'fmnist serve --index' and 'fmnist similar' load, on the driver.")
final class IndexCommand implements Callable<Integer> {

    /** As {@code fmnist index}: above this many items the approximate graph is built too. */
    static final int AUTO_HNSW_ITEMS = 20_000;

    enum SearchKind { auto, exact, hnsw }

    @Mixin
    CatalogOptions catalog;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder to write, on "
            + "the driver's disk.")
    Path index;

    @Option(names = "--search", defaultValue = "auto", description = "exact, hnsw, or auto: hnsw above "
            + AUTO_HNSW_ITEMS + " items (default: ${DEFAULT-VALUE}).")
    SearchKind search;

    @Option(names = "--m", defaultValue = "16", description = "HNSW links per node (default: ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--ef-construction", defaultValue = "200",
            description = "HNSW candidates while building (default: ${DEFAULT-VALUE}).")
    int efConstruction;

    @Option(names = "--ef", defaultValue = "50", description = "HNSW candidates while searching (default: "
            + "${DEFAULT-VALUE}).")
    int ef;

    @Override
    public Integer call() {
        SparkSession spark = catalog.session("index");
        CatalogOptions.Scored scored = catalog.score(spark, true, true);
        long started = System.nanoTime();
        long items = scored.summary().images() - scored.summary().failures();
        boolean hnsw = search == SearchKind.hnsw || (search == SearchKind.auto && items > AUTO_HNSW_ITEMS);
        CatalogIndex built = ScoredCatalogIndex.build(spark.read().parquet(catalog.output), catalog.model,
                CatalogIndexer.networkSha256(scored.model().driverCopy()), catalog.input,
                hnsw ? new CatalogIndex.Hnsw(m, efConstruction, ef) : null);
        built.save(index);
        System.out.printf(Locale.ROOT, "Indexed %,d items (%d dimensions, %s) in %.1f s: %s%n", built.size(),
                built.manifest().dimensions(), hnsw ? "exact and HNSW" : "exact search",
                (System.nanoTime() - started) / 1e9, index);
        return 0;
    }
}
