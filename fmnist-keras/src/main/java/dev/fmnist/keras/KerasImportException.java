package dev.fmnist.keras;

/** A Keras file the platform cannot import, with a message that says why and, where it can, what to do. */
public final class KerasImportException extends RuntimeException {

    public KerasImportException(String message) {
        super(message);
    }

    public KerasImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
