package dev.fmnist.runtime.model;

/** A model file that cannot be written or read; the message names the file and says why. */
public final class ModelFileException extends RuntimeException {

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
