/**
 * Similar-item search: catalog images as L2-normalized embeddings of a model ({@code Network.embedding}),
 * searched exactly (one matrix product) or approximately (an HNSW graph), stored as an index folder.
 */
package dev.fmnist.runtime.search;
