/** {@code fmnist evaluate}, {@code fmnist compare} and {@code fmnist predict}. */
package dev.fmnist.cli.eval;
