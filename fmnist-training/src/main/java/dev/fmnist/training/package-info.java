/** The training engine: epochs, validation and the callbacks of a run. */
package dev.fmnist.training;
