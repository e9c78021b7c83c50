package dev.fmnist.server.batch;

/** The model's queue is full: the server is saturated and the client should retry later. */
public final class QueueFullException extends RuntimeException {

    public QueueFullException(String message) {
        super(message, null, false, false);
    }
}
