package dev.fmnist.data.split;

/**
 * Indices into the training images: the ones to learn from and the ones held out for validation.
 * Both are sorted and disjoint.
 */
public record TrainValidationSplit(int[] train, int[] validation) {}
