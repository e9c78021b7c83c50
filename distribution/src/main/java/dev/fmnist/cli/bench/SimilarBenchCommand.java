package dev.fmnist.cli.bench;

import com.google.inject.Injector;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.bench.SimilarityBenchmark;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.cli.search.HnswOptions;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.search.CatalogIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "similar", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Similar-item search with a run's model: the training images indexed, the test images as "
                + "queries; precision@k of exact search and HNSW, HNSW's recall@k against exact, build time, and "
                + "search latency with 1 and with many threads.")
public final class SimilarBenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "The run whose model embeds.")
    Path run;

    @Option(names = "--queries", defaultValue = "10000", description = "Test images used as queries (default: all).")
    int queries;

    @Option(names = {"-k", "--k"}, defaultValue = "10", description = "Neighbours per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--threads", defaultValue = "16",
            description = "Threads querying at once in the second latency run (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    HnswOptions hnswOptions;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (k < 1 || threads < 1 || queries < 1) {
            throw new UserError("-k, --threads and --queries must be at least 1");
        }
        CatalogIndex.Hnsw settings = hnswOptions.settings();
        Injector injector = Bootstrap.injector(options);
        DataSource data = injector.getInstance(DataSource.class);
        Predictor predictor = Predictor.load(run, injector.getInstance(PluginClasses.class));
        LabelledImages catalog = data.trainingImages();
        LabelledImages test = data.testImages();
        test = test.subset(IntStream.range(0, Math.min(queries, test.count())).toArray());
        PrintWriter out = spec.commandLine().getOut();

        long started = System.nanoTime();
        float[][] rows = predictor.embeddings(catalog);
        double embedSeconds = (System.nanoTime() - started) / 1e9;
        int dimensions = rows[0].length;
        float[] flat = CatalogIndex.flatten(rows, dimensions);
        float[][] queryRows = predictor.embeddings(test);
        SimilarityBenchmark.Result result = SimilarityBenchmark.run(flat, SimilarityBenchmark.labels(catalog),
                queryRows, SimilarityBenchmark.labels(test), dimensions, k, settings, threads);

        out.printf(Locale.ROOT, "%s: %,d catalog items (%s, embedded in %.1f s, %,.0f images/s), %,d queries, "
                + "%d dimensions, k=%d%n", predictor.manifest().modelId(), result.items(), data.description(),
                embedSeconds, result.items() / embedSeconds, result.queries(), dimensions, k);
        out.printf(Locale.ROOT, "precision@%d: exact %.4f, HNSW %.4f; HNSW recall@%d against exact: %.4f%n", k,
                result.exactPrecision(), result.hnswPrecision(), k, result.hnswRecall());
        out.printf(Locale.ROOT, "HNSW (m=%d, ef_construction=%d, ef=%d) built in %.1f s%n", settings.m(),
                settings.efConstruction(), settings.ef(), result.hnswBuildSeconds());
        out.printf("%-6s %8s %10s %10s %12s%n", "search", "threads", "p50 ms", "p99 ms", "queries/s");
        print(out, "exact", result.exact1());
        print(out, "exact", result.exactMany());
        print(out, "hnsw", result.hnsw1());
        print(out, "hnsw", result.hnswMany());
        out.flush();
        if (json != null) {
            Json.write(json, result);
        }
        return 0;
    }

    private static void print(PrintWriter out, String search, SimilarityBenchmark.Latency latency) {
        out.printf(Locale.ROOT, "%-6s %8d %10.3f %10.3f %,12.0f%n", search, latency.threads(), latency.p50Millis(),
                latency.p99Millis(), latency.queriesPerSecond());
    }
}
