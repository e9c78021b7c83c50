package dev.fmnist.runtime.search;

import java.util.PriorityQueue;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every item compared with the query: one matrix-vector product in ND4J (cosine similarity, as the rows are
 * L2-normalized) and a bounded heap for the top k. Exact, and fast enough for small catalogs: 60,000 items of
 * 128 dimensions take about 5 ms a query on the 2-core machine (docs/BENCHMARKS.md), an HNSW graph 0.3 ms.
 */
public final class ExactSearch implements Search {

    private final INDArray embeddings;

    /** @param embeddings [items, dimensions], rows L2-normalized */
    public ExactSearch(float[] embeddings, int dimensions) {
        this.embeddings = Nd4j.create(embeddings, new long[] {embeddings.length / dimensions, dimensions}, 'c');
    }

    @Override
    public Hit[] nearest(float[] query, int k) {
        INDArray column = Nd4j.create(query, new long[] {query.length, 1}, 'c');
        INDArray product = embeddings.mmul(column);
        float[] similarities;
        try {
            similarities = product.castTo(DataType.FLOAT).data().asFloat();
        } finally {
            column.close();
            product.close();
        }
        return top(similarities, k);
    }

    /** The k largest values' positions, largest first. */
    static Hit[] top(float[] similarities, int k) {
        int size = Math.min(k, similarities.length);
        PriorityQueue<Hit> heap = new PriorityQueue<>(size + 1,
                (a, b) -> Float.compare(a.similarity(), b.similarity()));
        for (int i = 0; i < similarities.length; i++) {
            if (heap.size() < size) {
                heap.add(new Hit(i, similarities[i]));
            } else if (similarities[i] > heap.peek().similarity()) {
                heap.poll();
                heap.add(new Hit(i, similarities[i]));
            }
        }
        Hit[] hits = new Hit[heap.size()];
        for (int i = hits.length - 1; i >= 0; i--) {
            hits[i] = heap.poll();
        }
        return hits;
    }
}
