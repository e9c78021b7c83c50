/**
 * The Open Inference Protocol's gRPC service ({@code inference.GRPCInferenceService}) on its own port, beside the
 * HTTP routes: the same models, batching workers, limits, API key (as {@code authorization} metadata) and metrics.
 * The protocol's classes are generated from {@code src/main/proto} into {@code .protocol}.
 */
package dev.fmnist.server.grpc;
