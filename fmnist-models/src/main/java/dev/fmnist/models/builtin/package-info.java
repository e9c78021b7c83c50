/** The seed's three architectures: {@code mlp}, {@code cnn} and {@code deep-cnn}. */
package dev.fmnist.models.builtin;
