/**
 * The training engine: {@link dev.fmnist.training.TrainingEngine} runs epochs, validation and the callbacks
 * of a run; the run folder and model file format live in {@code .run}, the built-in callbacks in
 * {@code .callbacks}.
 */
package dev.fmnist.training;
