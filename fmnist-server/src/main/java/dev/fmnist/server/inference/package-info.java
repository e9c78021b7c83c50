/**
 * What serving a model means, whatever the protocol: a model looked up and counted in ({@link
 * dev.fmnist.server.inference.Inference}), an input tensor checked and encoded ({@link
 * dev.fmnist.server.inference.InputTensors}), the outputs a request asked for ({@link
 * dev.fmnist.server.inference.OutputTensor}), the model's metadata, and the error kinds every failure becomes
 * ({@link dev.fmnist.server.inference.ServingError}). The HTTP routes ({@code server.http}) and the gRPC service
 * ({@code server.grpc}) are thin adapters over it; this package imports neither, nor Vert.x or gRPC (a test
 * enforces it).
 */
package dev.fmnist.server.inference;
