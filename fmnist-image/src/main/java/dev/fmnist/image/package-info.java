/**
 * Turning an image file of any size and colour into a Fashion-MNIST input: decoding with a pixel limit checked
 * before decoding, then the conversion that made the dataset (trim to the item, longest edge 28, sharpen,
 * centre, light backgrounds inverted); and stored pixels back into a picture file.
 */
package dev.fmnist.image;
