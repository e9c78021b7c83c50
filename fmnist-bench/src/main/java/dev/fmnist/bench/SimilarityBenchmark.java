package dev.fmnist.bench;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.ExactSearch;
import dev.fmnist.runtime.search.HnswSearch;
import dev.fmnist.runtime.search.Search;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Quality and speed of similar-item search over one catalog: precision@k (neighbours of the query's class) of
 * exact search and of an HNSW graph, the graph's recall@k against exact search, its build time, and the search
 * latency per query (the query's embedding not included) with 1 and with many threads querying at once.
 */
public final class SimilarityBenchmark {

    /** Search latencies in milliseconds. */
    public record Latency(int threads, double p50Millis, double p99Millis, double queriesPerSecond) {}

    /** Everything measured. */
    public record Result(int items, int queries, int dimensions, int k, double exactPrecision, double hnswPrecision,
            double hnswRecall, double hnswBuildSeconds, CatalogIndex.Hnsw hnsw, Latency exact1, Latency exactMany,
            Latency hnsw1, Latency hnswMany) {}

    private SimilarityBenchmark() {}

    /**
     * @param catalog        the indexed items' embeddings (rows L2-normalized) and their labels
     * @param queries        the queries' embeddings and labels
     */
    public static Result run(float[] catalog, int[] catalogLabels, float[][] queries, int[] queryLabels,
            int dimensions, int k, CatalogIndex.Hnsw settings, int threads) throws Exception {
        Search exact = new ExactSearch(catalog, dimensions);
        long started = System.nanoTime();
        HnswSearch hnsw = HnswSearch.build(catalog, dimensions, settings.m(), settings.efConstruction(),
                settings.ef());
        double buildSeconds = (System.nanoTime() - started) / 1e9;

        int sameExact = 0;
        int sameHnsw = 0;
        int found = 0;
        for (int q = 0; q < queries.length; q++) {
            Search.Hit[] truth = exact.nearest(queries[q], k);
            Search.Hit[] approximate = hnsw.nearest(queries[q], k);
            Set<Integer> truthItems = new HashSet<>();
            for (Search.Hit hit : truth) {
                truthItems.add(hit.item());
                sameExact += catalogLabels[hit.item()] == queryLabels[q] ? 1 : 0;
            }
            for (Search.Hit hit : approximate) {
                sameHnsw += catalogLabels[hit.item()] == queryLabels[q] ? 1 : 0;
                found += truthItems.contains(hit.item()) ? 1 : 0;
            }
        }
        double total = (double) queries.length * k;
        return new Result(catalogLabels.length, queries.length, dimensions, k, sameExact / total, sameHnsw / total,
                found / total, buildSeconds, settings, latency(exact, queries, k, 1),
                latency(exact, queries, k, threads), latency(hnsw, queries, k, 1), latency(hnsw, queries, k, threads));
    }

    /** Every query once, spread over {@code threads} threads that query at the same time. */
    static Latency latency(Search search, float[][] queries, int k, int threads) throws Exception {
        for (int q = 0; q < Math.min(200, queries.length); q++) {
            search.nearest(queries[q], k);  // warm-up: JIT and ND4J's first calls
        }
        double[] millis = new double[queries.length];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        try {
            Future<?>[] workers = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                final int first = t;
                workers[t] = pool.submit(() -> {
                    for (int q = first; q < queries.length; q += threads) {
                        long begin = System.nanoTime();
                        search.nearest(queries[q], k);
                        millis[q] = (System.nanoTime() - begin) / 1e6;
                    }
                });
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new Latency(threads, sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.99) - 1],
                queries.length / seconds);
    }

    /** The labels of a set, in order. */
    public static int[] labels(LabelledImages images) {
        int[] labels = new int[images.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = images.label(i);
        }
        return labels;
    }
}
