/**
 * Why a model answered what it did, as a map over the image's pixels: occlusion sensitivity for any model, input
 * gradients (saliency) from the network's backpropagation, and the map drawn over the image as a PNG.
 */
package dev.fmnist.runtime.explain;
