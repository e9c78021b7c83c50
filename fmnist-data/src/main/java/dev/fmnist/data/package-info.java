/**
 * The data pipeline: {@link dev.fmnist.data.FashionMnist} loads the dataset once, splits it and hands out
 * batch iterators; {@link dev.fmnist.data.DataModule} wires it into Guice.
 */
package dev.fmnist.data;
