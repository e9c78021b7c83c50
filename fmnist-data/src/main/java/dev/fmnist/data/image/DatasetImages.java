package dev.fmnist.data.image;

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
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image(images, index), "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG", e);
        }
    }
}
