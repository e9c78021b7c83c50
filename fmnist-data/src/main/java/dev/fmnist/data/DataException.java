package dev.fmnist.data;

/**
 * A problem with the data a person can act on: a missing, corrupt or mismatched file, a failed download.
 * The message names the file or URL and what is wrong; the CLI prints it without a stack trace.
 */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
