package dev.fmnist.server;

/** A load or unload the model repository cannot do; {@code unknown}: no such model (NOT_FOUND, not INVALID_INPUT). */
public final class RepositoryException extends RuntimeException {

    private final boolean unknown;

    RepositoryException(String message, boolean unknown) {
        super(message);
        this.unknown = unknown;
    }

    public boolean unknown() {
        return unknown;
    }
}
