/** Labelled image sets and the data sources that provide them. */
package dev.fmnist.api.data;
