/**
 * Turning an image file of any size and colour into a Fashion-MNIST input: decoding with a pixel limit
 * checked before decoding, grey, inverted when the background is light, fitted into 28x28 and centred.
 */
package dev.fmnist.data.image;
