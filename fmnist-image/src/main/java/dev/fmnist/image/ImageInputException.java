package dev.fmnist.image;

/** An image that cannot be used: not an image, an unsupported format, too many pixels, not decoded in time. */
public final class ImageInputException extends RuntimeException {

    private final Reason reason;

    public enum Reason { NOT_AN_IMAGE, TOO_LARGE, CORRUPT, TIMED_OUT }

    public ImageInputException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
