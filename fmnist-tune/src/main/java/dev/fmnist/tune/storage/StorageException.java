package dev.fmnist.tune.storage;

/** The study storage cannot be reached or holds what it should not; the message says which database and why. */
public final class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
