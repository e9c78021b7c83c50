/**
 * How {@code fmnist bench} measures: each class times one thing the platform does (a plain DL4J training
 * loop, a forward pass, an epoch of batching, HTTP requests against a live server); the commands choose
 * what to compare and print the figures.
 */
package dev.fmnist.bench;
