/** The figures of an evaluation, computed from a model's predicted probabilities and the true labels. */
package dev.fmnist.eval.metrics;
