package dev.fmnist.server.infer;

/**
 * The images of an inference request, as model-input rows laid end to end.
 *
 * @param rows  normalized rows, {@code count} of them
 * @param count images in the request
 */
public record InferenceInput(String id, float[] rows, int count, RequestedOutputs outputs) {}
