package dev.fmnist.runtime.search;

/**
 * A catalog item near a query.
 *
 * @param item       its position in the index
 * @param id         its id: a file's path in its folder, or {@code train/00042} for a dataset image
 * @param label      its class name
 * @param similarity cosine similarity to the query, 1 for the same direction
 */
public record Neighbour(int item, String id, String label, double similarity) {}
