package dev.fmnist.cli;

/** A mistake in what the person asked for (a bad argument, a missing file), reported as one sentence. */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }
}
