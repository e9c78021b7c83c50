package dev.fmnist.api.training;

/**
 * What one training batch measured.
 *
 * @param epoch   1-based epoch number
 * @param batch   1-based batch number within the epoch
 * @param batches batches in the epoch
 * @param images  images in this batch
 * @param loss    the batch's mean loss (score) after the update
 */
public record BatchMetrics(int epoch, int batch, int batches, int images, double loss) {}
