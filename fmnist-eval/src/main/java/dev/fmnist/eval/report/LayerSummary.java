package dev.fmnist.eval.report;

import java.util.List;

/**
 * One layer (or, in a graph, one vertex) of an architecture summary.
 *
 * @param name         the layer's name, as DL4J knows it
 * @param outputShape  e.g. {@code (-1, 32, 26, 26)}, -1 for the batch
 * @param nonTrainable parameters not updated by gradients (batch normalization's running mean and variance)
 * @param inputs       in a graph, the vertices (or the network input) this one reads; empty in a layer stack,
 *                     where each layer reads the one before
 */
public record LayerSummary(int index, String name, String type, String outputShape, long parameters,
        long nonTrainable, List<String> inputs) {

    public LayerSummary {
        inputs = List.copyOf(inputs);
    }
}
