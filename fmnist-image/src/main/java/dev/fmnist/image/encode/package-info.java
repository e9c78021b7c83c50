/** The one input encoding of every model: pixel normalization and the model's input layout. */
package dev.fmnist.image.encode;
