/** The built-in architectures: the seed's {@code mlp}, {@code cnn} and {@code deep-cnn}, and the VGG-style {@code vgg}. */
package dev.fmnist.models.builtin;
