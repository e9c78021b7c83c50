package dev.fmnist.data.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Prepares an arbitrary image the way Fashion-MNIST's were: grey, the garment light on a dark background
 * (product photos, dark on light, are inverted), the whole picture fitted into 28x28 keeping its aspect
 * ratio and centred. The result is raw 0-255 pixels, to be normalized as the model's manifest says.
 */
public final class ImagePreprocessor {

    public static final int SIDE = 28;

    /** The largest image accepted by default: about a 40-megapixel photo. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxPixels;

    /** @param maxPixels the largest width x height accepted, checked from the header before decoding */
    public ImagePreprocessor(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** An image file's bytes as 28x28 8-bit grey pixels, as the dataset stores them. */
    public byte[] pixels(byte[] file, String name) {
        return toFashionMnist(decode(file, name));
    }

    /** Decodes PNG, JPEG, GIF or BMP bytes, refusing images over the pixel limit before allocating them. */
    public BufferedImage decode(byte[] bytes, String name) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
            if (readers == null || !readers.hasNext()) {
                throw new ImageInputException(ImageInputException.Reason.NOT_AN_IMAGE,
                        name + " is not an image in a supported format (PNG, JPEG, GIF, BMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new ImageInputException(ImageInputException.Reason.TOO_LARGE, String.format(
                            "%s is %dx%d = %,d pixels; at most %,d are accepted", name, width, height,
                            width * height, maxPixels));
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageInputException known) {
                throw known;
            }
            throw new ImageInputException(ImageInputException.Reason.CORRUPT,
                    name + " cannot be decoded as " + "an image: " + e.getMessage());
        }
    }

    /** 28x28 grey pixels, 0-255, row-major, light garment on dark ground. */
    public byte[] toFashionMnist(BufferedImage image) {
        BufferedImage grey = grey(image);
        boolean invert = borderMean(grey) > 127;
        BufferedImage scaled = fit(grey, invert);
        return ((java.awt.image.DataBufferByte) scaled.getRaster().getDataBuffer()).getData().clone();
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

    /** Mean grey of the outermost rows and columns: the background's brightness. */
    private static double borderMean(BufferedImage grey) {
        int width = grey.getWidth();
        int height = grey.getHeight();
        long sum = 0;
        long count = 0;
        for (int x = 0; x < width; x++) {
            sum += grey.getRaster().getSample(x, 0, 0) + grey.getRaster().getSample(x, height - 1, 0);
            count += 2;
        }
        for (int y = 1; y < height - 1; y++) {
            sum += grey.getRaster().getSample(0, y, 0) + grey.getRaster().getSample(width - 1, y, 0);
            count += 2;
        }
        return (double) sum / count;
    }

    /** Scales the longer side to 28 (halving first for large images, so downscaling averages), centred on black. */
    private static BufferedImage fit(BufferedImage grey, boolean invert) {
        BufferedImage source = grey;
        if (invert) {
            source = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            byte[] in = ((java.awt.image.DataBufferByte) grey.getRaster().getDataBuffer()).getData();
            byte[] out = ((java.awt.image.DataBufferByte) source.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < in.length; i++) {
                out[i] = (byte) (255 - Byte.toUnsignedInt(in[i]));
            }
        }
        double scale = (double) SIDE / Math.max(source.getWidth(), source.getHeight());
        int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
        while (source.getWidth() / 2 >= width && source.getHeight() / 2 >= height) {
            source = draw(source, source.getWidth() / 2, source.getHeight() / 2, source.getWidth() / 2,
                    source.getHeight() / 2, 0, 0);
        }
        return draw(source, SIDE, SIDE, width, height, (SIDE - width) / 2, (SIDE - height) / 2);
    }

    private static BufferedImage draw(BufferedImage source, int canvasWidth, int canvasHeight, int width, int height,
            int x, int y) {
        BufferedImage target = new BufferedImage(canvasWidth, canvasHeight, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, canvasWidth, canvasHeight);
            g.drawImage(source, x, y, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
