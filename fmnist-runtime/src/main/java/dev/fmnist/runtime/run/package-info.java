/**
 * The run folder and the model file format: {@code runs/<model>-<time>/} with the resolved configuration,
 * {@code best.zip} and {@code last.zip} (a DL4J model with an fmnist manifest inside), the metric history
 * and {@code summary.json}.
 */
package dev.fmnist.runtime.run;
