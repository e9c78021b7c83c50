/** Batching labelled images into ND4J {@code DataSet}s, reshuffled every epoch. */
package dev.fmnist.data.batch;
