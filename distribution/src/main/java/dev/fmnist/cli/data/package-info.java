/** {@code fmnist data}: where the dataset is, what it holds, and a picture of it. */
package dev.fmnist.cli.data;
