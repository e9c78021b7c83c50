package dev.fmnist.runtime.explain;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * An explanation drawn over its image: the grey image enlarged, its pixels tinted from transparent through red to
 * yellow as the map's value rises to the map's largest; negative values (evidence against the class) are left
 * untinted.
 */
public final class Overlay {

    /** Each pixel drawn as a square of this many screen pixels. */
    public static final int SCALE = 8;

    private Overlay() {}

    /** The PNG of {@code pixels} (8-bit grey, row-major) with {@code map} over it. */
    public static byte[] png(byte[] pixels, float[] map, int width, int height) {
        BufferedImage image = image(pixels, map, width, height);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an explanation as PNG: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** The picture itself, {@code width * SCALE} by {@code height * SCALE}. */
    public static BufferedImage image(byte[] pixels, float[] map, int width, int height) {
        return image(pixels, map, width, height, SCALE);
    }

    /** The picture with each pixel a square of {@code scale} screen pixels. */
    public static BufferedImage image(byte[] pixels, float[] map, int width, int height, int scale) {
        float top = 0;
        for (float value : map) {
            top = Math.max(top, value);
        }
        BufferedImage image = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int grey = Byte.toUnsignedInt(pixels[y * width + x]);
                float heat = top > 0 ? Math.max(0, map[y * width + x]) / top : 0;
                int rgb = tint(grey, heat);
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        image.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return image;
    }

    /** Grey blended with a heat colour (red at low heat, yellow at full), more opaque as the heat rises. */
    private static int tint(int grey, float heat) {
        float alpha = 0.75f * heat;
        int red = 255;
        int green = Math.round(220 * heat);
        int blue = 0;
        int r = Math.round(grey * (1 - alpha) + red * alpha);
        int g = Math.round(grey * (1 - alpha) + green * alpha);
        int b = Math.round(grey * (1 - alpha) + blue * alpha);
        return (r << 16) | (g << 8) | b;
    }
}
