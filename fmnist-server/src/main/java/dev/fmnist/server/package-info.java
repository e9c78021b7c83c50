/**
 * The prediction server: {@link dev.fmnist.server.PredictionServer} serves the Open Inference Protocol v2,
 * an image endpoint, Prometheus metrics and a demo page with Vert.x Web; models run on one batching worker
 * per model ({@code .batch}), never on an event-loop thread; request and response formats live in
 * {@code .infer}, routing and errors in {@code .http}.
 */
package dev.fmnist.server;
