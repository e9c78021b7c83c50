/** Commands that bring models trained elsewhere into the platform as runs: {@code fmnist import keras}. */
package dev.fmnist.cli.imports;
