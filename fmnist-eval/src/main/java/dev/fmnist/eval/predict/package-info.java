/** Classifying image files with a trained model: the same preprocessing for the CLI and the server. */
package dev.fmnist.eval.predict;
