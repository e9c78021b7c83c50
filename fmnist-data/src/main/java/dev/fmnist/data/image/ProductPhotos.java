package dev.fmnist.data.image;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.image.ImagePreprocessor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Product photos made from dataset images, as a team's catalog shows items: dark on a light, slightly tinted
 * backdrop with a margin around the item, 100-400 px, not square, RGB, a little sensor noise, sometimes a
 * slight blur, JPEG or PNG. Seeded: the same seed and index give the same file. They measure how well the
 * image path ({@link ImagePreprocessor}) recovers what the model saw in training.
 */
public final class ProductPhotos {

    /** A photo file, its format ("jpg" or "png") and the dataset image it shows. */
    public record Photo(byte[] file, String format, int index, int label) {}

    private final LabelledImages images;
    private final long seed;

    public ProductPhotos(LabelledImages images, long seed) {
        this.images = images;
        this.seed = seed;
    }

    /** The photo of dataset image {@code index}. */
    public Photo photo(int index) {
        Random random = new Random(seed * 1_000_003L + index);
        int side = ImagePreprocessor.SIDE;
        int itemSide = 100 + random.nextInt(261);                     // the item's longer edge: 100-360 px
        double scale = itemSide / (double) side;
        int itemPixels = (int) Math.round(side * scale);
        int left = (int) (itemPixels * (0.05 + 0.3 * random.nextDouble()));
        int right = (int) (itemPixels * (0.05 + 0.3 * random.nextDouble()));
        int top = (int) (itemPixels * (0.05 + 0.2 * random.nextDouble()));
        int bottom = (int) (itemPixels * (0.05 + 0.2 * random.nextDouble()));
        int backdrop = 225 + random.nextInt(31);
        int[] tint = {random.nextInt(9) - 4, random.nextInt(9) - 4, random.nextInt(9) - 4};

        BufferedImage item = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < side * side; p++) {
            // Dark on the backdrop: the dataset's negation undone, on the backdrop's level.
            int v = backdrop - images.pixel(index, p) * backdrop / 255;
            item.setRGB(p % side, p / side, rgb(v + tint[0], v + tint[1], v + tint[2]));
        }
        BufferedImage photo = new BufferedImage(left + itemPixels + right, top + itemPixels + bottom,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(new java.awt.Color(rgb(backdrop + tint[0], backdrop + tint[1], backdrop + tint[2])));
        g.fillRect(0, 0, photo.getWidth(), photo.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(item, left, top, itemPixels, itemPixels, null);
        g.dispose();
        if (random.nextDouble() < 0.3) {
            photo = boxBlur(photo);
        }
        addNoise(photo, 1 + 4 * random.nextDouble(), random);
        boolean jpeg = random.nextDouble() < 0.7;
        return new Photo(jpeg ? jpeg(photo, 0.8f + 0.15f * random.nextFloat()) : png(photo), jpeg ? "jpg" : "png",
                index, images.label(index));
    }

    private static BufferedImage boxBlur(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int r = 0;
                int gr = 0;
                int b = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int c = image.getRGB(Math.min(image.getWidth() - 1, Math.max(0, x + dx)),
                                Math.min(image.getHeight() - 1, Math.max(0, y + dy)));
                        r += c >> 16 & 0xff;
                        gr += c >> 8 & 0xff;
                        b += c & 0xff;
                    }
                }
                out.setRGB(x, y, rgb(r / 9, gr / 9, b / 9));
            }
        }
        return out;
    }

    private static void addNoise(BufferedImage image, double sigma, Random random) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int c = image.getRGB(x, y);
                int n = (int) Math.round(random.nextGaussian() * sigma);
                image.setRGB(x, y, rgb((c >> 16 & 0xff) + n, (c >> 8 & 0xff) + n, (c & 0xff) + n));
            }
        }
    }

    private static int rgb(int r, int g, int b) {
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] jpeg(BufferedImage image, float quality) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
