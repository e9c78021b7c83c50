/**
 * On-the-fly augmentation of training images: random crop after zero padding, horizontal flip and random
 * erasing (Zhong et al., 2017), applied to each image's bytes as its batch is built, seeded by the run's seed,
 * the epoch and the image's place in it, so no copy of the dataset is ever made and a resumed run sees the
 * same images. Validation and test images are never augmented.
 */
package dev.fmnist.data.augment;
