/** The similar-item index of a scored catalog, in the format {@code fmnist serve} and {@code fmnist similar} load. */
package dev.fmnist.spark.index;
