package dev.fmnist.server.inference;

import dev.fmnist.runtime.predict.EncodedBatch;

/**
 * An inference request once its protocol's form has been read and checked.
 *
 * @param id      the client's request id, echoed in the answer; null when none was given
 * @param input   the images, encoded for the model
 * @param outputs which outputs to answer, and how
 */
public record InferenceRequest(String id, EncodedBatch input, RequestedOutputs outputs) {}
