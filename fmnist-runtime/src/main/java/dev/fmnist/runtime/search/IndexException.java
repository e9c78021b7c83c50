package dev.fmnist.runtime.search;

/** An index that cannot be read, built or queried as asked; says which file or value and why. */
public final class IndexException extends RuntimeException {

    public IndexException(String message) {
        super(message);
    }
}
