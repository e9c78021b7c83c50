package dev.fmnist.eval.report;

/**
 * One layer of an architecture summary.
 *
 * @param outputShape  e.g. {@code (-1, 32, 26, 26)}, -1 for the batch
 * @param nonTrainable parameters not updated by gradients (batch normalization's running mean and variance)
 */
public record LayerSummary(int index, String type, String outputShape, long parameters, long nonTrainable) {}
