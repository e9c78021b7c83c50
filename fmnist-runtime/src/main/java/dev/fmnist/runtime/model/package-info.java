/**
 * The model file: DL4J's zip with the fmnist manifest inside (what built the model, how its inputs are
 * prepared, its classes, what it was trained on), written atomically and read back through its plugin's
 * classes; and the platform and DL4J versions every file records.
 */
package dev.fmnist.runtime.model;
