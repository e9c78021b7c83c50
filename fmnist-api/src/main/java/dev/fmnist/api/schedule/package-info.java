/**
 * Learning-rate schedules by epoch that DL4J's updaters take as an {@link org.nd4j.linalg.schedule.ISchedule}
 * and save with the model: cosine annealing with linear warm-up, and the one-cycle policy.
 * {@link dev.fmnist.api.Optimizers} picks one from a plugin's hyperparameters.
 */
package dev.fmnist.api.schedule;
