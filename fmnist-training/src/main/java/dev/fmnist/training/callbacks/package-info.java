/** The built-in training callbacks, each usable alone: early stopping, checkpoints, metric history, progress. */
package dev.fmnist.training.callbacks;
