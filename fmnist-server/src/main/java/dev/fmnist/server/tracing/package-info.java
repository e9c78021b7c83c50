/**
 * Request tracing with OpenTelemetry: the spans of a request's stages (decoded, queued, the forward pass with the
 * batch it ran in, encoded) under the request's own span, W3C {@code traceparent} propagated, exported by OTLP when
 * configured and off otherwise.
 */
package dev.fmnist.server.tracing;
