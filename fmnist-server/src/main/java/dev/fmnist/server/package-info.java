/**
 * The prediction server: {@link dev.fmnist.server.PredictionServer} serves the Open Inference Protocol v2 over REST
 * ({@code .http}, Vert.x Web, with an image endpoint, Prometheus metrics and a demo page) and gRPC ({@code .grpc}),
 * both through one serving core ({@code .inference}); models run on one batching worker per model
 * ({@code .batch}), never on an event-loop thread.
 */
package dev.fmnist.server;
