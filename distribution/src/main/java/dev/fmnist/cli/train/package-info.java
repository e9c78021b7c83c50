/** {@code fmnist train}: one model, or the three seed models for a comparison. */
package dev.fmnist.cli.train;
