/** The Open Inference Protocol's JSON: parsing inference requests, building responses. */
package dev.fmnist.server.infer;
