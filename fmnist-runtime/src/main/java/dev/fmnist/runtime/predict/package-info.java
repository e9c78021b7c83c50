/**
 * A trained model answering: {@link dev.fmnist.runtime.predict.Predictor} loads a model file, encodes inputs
 * as the model was trained, runs forward passes in batches and ranks the classes; the CLI, evaluation and
 * the server all classify through it.
 */
package dev.fmnist.runtime.predict;
