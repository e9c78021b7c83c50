package dev.fmnist.runtime.search;

/** Finds the items nearest to a query embedding; safe for concurrent queries. */
public interface Search {

    /** The positions of the {@code k} items most similar to {@code query} (L2-normalized), nearest first. */
    Hit[] nearest(float[] query, int k);

    /** An item's position in the index and its cosine similarity to the query. */
    record Hit(int item, float similarity) {}
}
