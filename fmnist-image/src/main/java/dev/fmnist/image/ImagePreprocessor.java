package dev.fmnist.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Prepares an image file the way Fashion-MNIST's were made ({@link FashionMnistConversion}): grey, trimmed
 * to the item, its longest edge 28, sharpened, centred, the garment light on black (product photos, dark on
 * light, are inverted). A 28x28 picture is already in the dataset's geometry and is only made grey (and
 * inverted when its background is light). The result is raw 0-255 pixels, to be normalized as the model's
 * manifest says. A file the decoder can read only in part (a truncated JPEG) is refused, not half used.
 */
public final class ImagePreprocessor {

    public static final int SIDE = FashionMnistConversion.SIDE;

    /** The largest image accepted by default: about a 40-megapixel photo. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    /** The formats a catalog sends; ImageIO also reads TIFF and WBMP, which no catalog needs. */
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp", "webp");

    static {
        // ImageIO would buffer every stream it reads in a temporary file: from memory, read from memory
        ImageIO.setUseCache(false);
    }

    /** No deadline: decoding takes as long as it takes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * How long an image may take when the caller gives no deadline: no real image takes seconds, but the JDK's
     * JPEG reader loops without end on some malformed headers (found by the fuzz test), re-reading the stream.
     */
    public static final java.time.Duration DEFAULT_LIMIT = java.time.Duration.ofSeconds(30);

    private final long maxPixels;
    private final DecodingMemory memory;

    /**
     * @param maxPixels the largest width x height accepted, checked from the header before decoding; the decoded
     *                  size is bounded too, at that many 8-bit RGBA pixels
     */
    public ImagePreprocessor(long maxPixels) {
        this(maxPixels, DecodingMemory.shared());
    }

    ImagePreprocessor(long maxPixels, DecodingMemory memory) {
        this.maxPixels = maxPixels;
        this.memory = memory;
    }

    /** An image file's bytes as 28x28 8-bit grey pixels, as the dataset stores them, within {@link #DEFAULT_LIMIT}. */
    public byte[] pixels(byte[] file, String name) {
        return pixels(file, name, System.nanoTime() + DEFAULT_LIMIT.toNanos());
    }

    /**
     * As {@link #pixels(byte[], String)}, given up at {@code deadlineNanos} ({@link System#nanoTime()}): the
     * reader is aborted between rows, so a slow image frees its thread soon after nobody waits for it.
     *
     * @throws ImageInputException TIMED_OUT past the deadline
     */
    public byte[] pixels(byte[] file, String name, long deadlineNanos) {
        return decoded(file, name, deadlineNanos, this::toFashionMnist);
    }

    /** Decodes PNG, JPEG, GIF, BMP or WebP bytes, refusing images over the limits before allocating them. */
    public BufferedImage decode(byte[] bytes, String name) {
        return decoded(bytes, name, System.nanoTime() + DEFAULT_LIMIT.toNanos(), image -> image);
    }

    /** Decodes, then gives the image to {@code use} while its memory is still reserved. */
    private <T> T decoded(byte[] bytes, String name, long deadlineNanos, Function<BufferedImage, T> use) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new DeadlineStream(bytes, deadlineNanos))) {
            Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
            if (readers == null || !readers.hasNext()) {
                throw new ImageInputException(ImageInputException.Reason.NOT_AN_IMAGE,
                        name + " is not an image in a supported format (PNG, JPEG, GIF, BMP, WebP)");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw new ImageInputException(ImageInputException.Reason.NOT_AN_IMAGE, name + " is a " + format
                            + " image; send PNG, JPEG, GIF, BMP or WebP");
                }
                reader.setInput(input, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new ImageInputException(ImageInputException.Reason.TOO_LARGE, String.format(
                            "%s is %dx%d = %,d pixels; at most %,d are accepted", name, width, height,
                            width * height, maxPixels));
                }
                // the reader allocates by bit depth and bands: a 16-bit RGBA image takes 8 bytes a pixel
                long decoded = width * height * bytesPerPixel(reader);
                if (decoded > maxPixels * 4) {
                    throw new ImageInputException(ImageInputException.Reason.TOO_LARGE, String.format(
                            "%s is %dx%d pixels of %d bytes each: %,d bytes decoded; at most %,d are accepted", name,
                            width, height, bytesPerPixel(reader), decoded, maxPixels * 4));
                }
                // the decoded image, plus the grey copy and the halvings the conversion makes (under 2 bytes a pixel)
                try (DecodingMemory.Reservation held = memory.reserve(decoded + 2 * width * height, deadlineNanos,
                        name)) {
                    AbortAtDeadline abort = new AbortAtDeadline(deadlineNanos);
                    reader.addIIOReadProgressListener(abort);
                    BufferedImage image = reader.read(0);
                    if (abort.aborted) {
                        throw timedOut(name);
                    }
                    if (!warnings.isEmpty()) {
                        // ImageIO decodes a truncated JPEG with grey where the data ends, and only warns.
                        throw new ImageInputException(ImageInputException.Reason.CORRUPT, name
                                + " is truncated or corrupt: " + String.join("; ", warnings));
                    }
                    if (passed(deadlineNanos)) {
                        throw timedOut(name);
                    }
                    return use.apply(image);
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageInputException known) {
                throw known;
            }
            if (passed(deadlineNanos)) {
                // the stream refused to be read past the deadline, whatever the reader made of that
                throw timedOut(name);
            }
            throw new ImageInputException(ImageInputException.Reason.CORRUPT,
                    name + " cannot be decoded as " + "an image: " + e.getMessage());
        }
    }

    private static boolean passed(long deadlineNanos) {
        return deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos > 0;
    }

    private static ImageInputException timedOut(String name) {
        return new ImageInputException(ImageInputException.Reason.TIMED_OUT, name
                + " was not decoded before its deadline; try again shortly");
    }

    /**
     * The file's bytes, refused once the deadline has passed: the JPEG reader reports no progress while it
     * consumes a progressive file's scans, but it reads them from here as it goes.
     */
    private static final class DeadlineStream extends ByteArrayInputStream {
        private final long deadlineNanos;

        DeadlineStream(byte[] bytes, long deadlineNanos) {
            super(bytes);
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public synchronized int read() {
            check();
            return super.read();
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            check();
            return super.read(buffer, offset, length);
        }

        private void check() {
            if (passed(deadlineNanos)) {
                throw new java.io.UncheckedIOException(new IOException("the deadline has passed"));
            }
        }
    }

    /**
     * Asks the reader to stop once the deadline has passed; ImageIO's readers report progress and check for an
     * abort between rows, and return what they read so far.
     */
    private static final class AbortAtDeadline implements IIOReadProgressListener {
        private final long deadlineNanos;
        private volatile boolean aborted;

        AbortAtDeadline(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (passed(deadlineNanos)) {
                source.abort();
            }
        }

        @Override
        public void readAborted(ImageReader source) {
            aborted = true;
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {}

        @Override
        public void sequenceComplete(ImageReader source) {}

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {}

        @Override
        public void imageComplete(ImageReader source) {}

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {}

        @Override
        public void thumbnailComplete(ImageReader source) {}
    }

    /** The bytes a decoded pixel takes, from the header: its colour model's bits, rounded up to bytes. */
    private static long bytesPerPixel(ImageReader reader) throws IOException {
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            java.util.Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types.hasNext() ? types.next() : null;
        }
        if (type == null) {
            return 4;
        }
        return Math.max(1, (type.getColorModel().getPixelSize() + 7) / 8);
    }

    /** 28x28 grey pixels, 0-255, row-major, light garment on dark ground. */
    public byte[] toFashionMnist(BufferedImage image) {
        BufferedImage grey = grey(image);
        if (grey.getWidth() != SIDE || grey.getHeight() != SIDE) {
            return FashionMnistConversion.convert(grey);
        }
        byte[] pixels = new byte[SIDE * SIDE];
        int[] samples = FashionMnistConversion.unsigned(grey);
        boolean invert = FashionMnistConversion.background(samples, SIDE, SIDE) > 127;
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (invert ? 255 - samples[i] : samples[i]);
        }
        return pixels;
    }

    /**
     * Luma (ITU-R BT.601) of each pixel, composited on white so transparent areas count as background.
     * Computed here rather than by Java2D, which would convert sRGB into a linear grey and darken midtones.
     */
    private static BufferedImage grey(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            // An 8-bit grey file: its samples are the pixel values (getRGB would gamma-convert them).
            return image;
        }
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((java.awt.image.DataBufferByte) grey.getRaster().getDataBuffer()).getData();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                double alpha = (argb >>> 24) / 255.0;
                double luma = 0.299 * (argb >> 16 & 0xff) + 0.587 * (argb >> 8 & 0xff) + 0.114 * (argb & 0xff);
                out[y * width + x] = (byte) Math.round(luma * alpha + 255 * (1 - alpha));
            }
        }
        return grey;
    }
}
