package dev.fmnist.training;

/** A run that cannot go on: diverged, a callback failed, a run folder cannot be resumed. Says what and where. */
public final class TrainingException extends RuntimeException {

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
