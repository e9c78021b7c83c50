package dev.fmnist.api.training;

/**
 * What one training batch measured.
 *
 * @param epoch   1-based epoch number
 * @param batch   1-based batch number within the epoch
 * @param batches batches in the epoch
 * @param images  images in this batch
 * @param loss     the batch's mean cross-entropy, measured in the training forward pass (before the update)
 * @param accuracy the batch's accuracy in that same pass, in [0,1]; NaN when the network's output layer
 *                 does not allow measuring it for free
 */
public record BatchMetrics(int epoch, int batch, int batches, int images, double loss, double accuracy) {}
