/** Preprocessing: pixel normalization, reshaping to a model's input layout, one-hot labels. */
package dev.fmnist.data.prep;
