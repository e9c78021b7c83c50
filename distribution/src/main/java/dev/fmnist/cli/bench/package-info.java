/** {@code fmnist bench}: the platform's own throughput measurements, recorded in docs/BENCHMARKS.md. */
package dev.fmnist.cli.bench;
