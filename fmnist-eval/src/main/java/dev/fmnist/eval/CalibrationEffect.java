package dev.fmnist.eval;

/**
 * What a model's calibration (temperature scaling, fitted on its validation images) does on the evaluated images:
 * their log loss and expected calibration error with the network's raw probabilities and at the temperature.
 */
public record CalibrationEffect(double temperature, double logLossBefore, double logLossAfter, double eceBefore,
        double eceAfter) {}
