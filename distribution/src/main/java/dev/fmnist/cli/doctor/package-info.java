/** {@code fmnist doctor}: what this installation runs on and what it found. */
package dev.fmnist.cli.doctor;
