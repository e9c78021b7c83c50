package dev.fmnist.image;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.LabelledImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** One dataset image as a picture file, exactly as stored: grey, light garment on black. */
public final class DatasetImages {

    private DatasetImages() {}

    public static BufferedImage image(LabelledImages images, int index) {
        int width = images.shape().width();
        BufferedImage image = new BufferedImage(width, images.shape().height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < images.shape().pixels(); p++) {
            image.getRaster().setSample(p % width, p / width, 0, images.pixel(index, p));
        }
        return image;
    }

    /** The PNG bytes of {@link #image}: decoding them gives back the stored pixels exactly. */
    public static byte[] png(LabelledImages images, int index) {
        return png(image(images, index));
    }

    /** One image's 8-bit grey pixels, row-major, as PNG bytes. */
    public static byte[] png(byte[] pixels, ImageShape shape) {
        BufferedImage image = new BufferedImage(shape.width(), shape.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < shape.pixels(); p++) {
            image.getRaster().setSample(p % shape.width(), p / shape.width(), 0, Byte.toUnsignedInt(pixels[p]));
        }
        return png(image);
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG", e);
        }
    }
}
