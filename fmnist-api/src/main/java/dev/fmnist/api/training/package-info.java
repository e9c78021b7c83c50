/** The hooks a training run calls, and the metrics it hands to them. */
package dev.fmnist.api.training;
