/** {@code fmnist tune}: hyperparameter studies whose trials are ordinary training runs. */
package dev.fmnist.cli.tune;
