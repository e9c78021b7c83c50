package dev.fmnist.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * The conversion that made Fashion-MNIST from Zalando's product photos, as the dataset's README describes
 * it, for a grey picture of any size: trim the edges whose colour is close to the background's (within 5% of the
 * maximum intensity), resize the longest edge to 28, sharpen (Gaussian, radius and sigma 1.0), extend the
 * shorter edge to 28 with the item centred, negate a light background, 8 bits.
 *
 * <p>Two departures, both for photos that are not Zalando's studio shots. The trim decides on 3x3 means of
 * the picture, so sensor noise and JPEG ringing in the background do not stop it early. And the background
 * level becomes 0 (the dataset's background), not just its negation: a light-grey backdrop at 235 would
 * otherwise leave a frame of 20 around the item that no training image has.
 */
public final class FashionMnistConversion {

    public static final int SIDE = 28;

    /** Closeness to the background: 5% of the maximum intensity. */
    static final double TOLERANCE = 0.05 * 255;

    /** Larger pictures are halved first: the trim needs no more detail, and a 40-megapixel photo stays fast. */
    private static final int WORKING_SIDE = 1024;

    private FashionMnistConversion() {}

    /** 28x28 pixels, 0-255, row-major, the item light on a black background. */
    public static byte[] convert(BufferedImage grey) {
        if (grey.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            throw new IllegalArgumentException("expected an 8-bit grey image, got type " + grey.getType());
        }
        BufferedImage working = grey;
        while (Math.max(working.getWidth(), working.getHeight()) > WORKING_SIDE) {
            working = scaled(working, Math.max(1, working.getWidth() / 2), Math.max(1, working.getHeight() / 2));
        }
        int width = working.getWidth();
        int height = working.getHeight();
        int[] pixels = unsigned(working);
        double background = background(pixels, width, height);
        Box box = trim(itemMask(pixels, width, height, background), width, height);
        BufferedImage item = itemIntensities(pixels, width, box, background);
        double scale = (double) SIDE / Math.max(box.width(), box.height());
        int itemWidth = Math.max(1, Math.min(SIDE, (int) Math.round(box.width() * scale)));
        int itemHeight = Math.max(1, Math.min(SIDE, (int) Math.round(box.height() * scale)));
        int[] resized = unsigned(resize(item, itemWidth, itemHeight));
        int[] sharp = sharpen(resized, itemWidth, itemHeight);
        byte[] out = new byte[SIDE * SIDE];
        // An odd margin's extra pixel goes above and to the left, as in the dataset's images.
        int left = (SIDE - itemWidth + 1) / 2;
        int top = (SIDE - itemHeight + 1) / 2;
        for (int y = 0; y < itemHeight; y++) {
            for (int x = 0; x < itemWidth; x++) {
                out[(top + y) * SIDE + left + x] = (byte) sharp[y * itemWidth + x];
            }
        }
        return out;
    }

    /** The picture's part that is not background, in pixels of the working picture (inclusive-exclusive). */
    record Box(int left, int top, int right, int bottom) {
        int width() {
            return right - left;
        }

        int height() {
            return bottom - top;
        }
    }

    /**
     * The median of the outermost rows and columns: the corners' colour when they show background, and still
     * the background when the item covers a corner or two, as long as it covers less than half the border.
     */
    static double background(int[] pixels, int width, int height) {
        int[] histogram = new int[256];
        int count = 0;
        for (int x = 0; x < width; x++) {
            histogram[pixels[x]]++;
            histogram[pixels[(height - 1) * width + x]]++;
            count += 2;
        }
        for (int y = 1; y < height - 1; y++) {
            histogram[pixels[y * width]]++;
            histogram[pixels[y * width + width - 1]]++;
            count += 2;
        }
        int seen = 0;
        for (int v = 0; v < 256; v++) {
            seen += histogram[v];
            if (2 * seen >= count) {
                return v;
            }
        }
        return 255;
    }

    /**
     * Whether each pixel is part of the item: the 3x3 mean around every pixel of its 3x3 neighbourhood stands
     * out from the background by more than {@link #TOLERANCE} (edges replicated). The mean divides sensor noise
     * by three, so a noisy or JPEG-ringing background pixel does not count; requiring the whole neighbourhood
     * (an erosion) takes back the one pixel by which the mean widens the item, and keeps thin lines.
     */
    static boolean[] itemMask(int[] pixels, int width, int height, double background) {
        boolean[] far = new boolean[pixels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sum = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    int row = Math.min(height - 1, Math.max(0, y + dy)) * width;
                    for (int dx = -1; dx <= 1; dx++) {
                        sum += pixels[row + Math.min(width - 1, Math.max(0, x + dx))];
                    }
                }
                far[y * width + x] = Math.abs(sum / 9 - background) > TOLERANCE;
            }
        }
        boolean[] item = new boolean[pixels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean all = true;
                for (int dy = -1; dy <= 1 && all; dy++) {
                    int row = Math.min(height - 1, Math.max(0, y + dy)) * width;
                    for (int dx = -1; dx <= 1 && all; dx++) {
                        all = far[row + Math.min(width - 1, Math.max(0, x + dx))];
                    }
                }
                item[y * width + x] = all;
            }
        }
        return item;
    }

    /**
     * Rows and columns are trimmed from each side while fewer than 1% of their pixels (at least one) belong to
     * the item. A picture that is all background is kept whole.
     */
    static Box trim(boolean[] item, int width, int height) {
        int[] rowCounts = new int[height];
        int[] columnCounts = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (item[y * width + x]) {
                    rowCounts[y]++;
                    columnCounts[x]++;
                }
            }
        }
        int rowNeeds = Math.max(1, width / 100);
        int columnNeeds = Math.max(1, height / 100);
        int top = 0;
        while (top < height && rowCounts[top] < rowNeeds) {
            top++;
        }
        if (top == height) {
            return new Box(0, 0, width, height);
        }
        int bottom = height;
        while (rowCounts[bottom - 1] < rowNeeds) {
            bottom--;
        }
        int left = 0;
        while (left < width - 1 && columnCounts[left] < columnNeeds) {
            left++;
        }
        int right = width;
        while (right > left + 1 && columnCounts[right - 1] < columnNeeds) {
            right--;
        }
        return new Box(left, top, right, bottom);
    }

    /** The box's pixels as distance from the background, the background at 0 and the far end at 255. */
    private static BufferedImage itemIntensities(int[] pixels, int width, Box box, double background) {
        boolean light = background > 127;
        double range = light ? Math.max(1, background) : Math.max(1, 255 - background);
        BufferedImage item = new BufferedImage(box.width(), box.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) item.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < box.height(); y++) {
            for (int x = 0; x < box.width(); x++) {
                int v = pixels[(box.top() + y) * width + box.left() + x];
                double distance = light ? background - v : v - background;
                out[y * box.width() + x] = (byte) clamp(Math.round(distance * 255 / range));
            }
        }
        return item;
    }

    /** Down by successive halvings (each an average of about four pixels), then bilinear to the exact size. */
    private static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage source = image;
        while (source.getWidth() / 2 >= width && source.getHeight() / 2 >= height) {
            source = scaled(source, source.getWidth() / 2, source.getHeight() / 2);
        }
        return source.getWidth() == width && source.getHeight() == height ? source : scaled(source, width, height);
    }

    private static BufferedImage scaled(BufferedImage source, int width, int height) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, width, height);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }

    /**
     * Unsharp masking with a Gaussian of radius 1 and sigma 1.0: each pixel plus its difference from its
     * blurred self, which changes flat areas not at all and steepens outlines.
     */
    static int[] sharpen(int[] pixels, int width, int height) {
        double side = Math.exp(-0.5);
        double corner = Math.exp(-1);
        double total = 1 + 4 * side + 4 * corner;
        int[] out = new int[pixels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double blurred = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    int row = Math.min(height - 1, Math.max(0, y + dy)) * width;
                    for (int dx = -1; dx <= 1; dx++) {
                        double weight = dx == 0 && dy == 0 ? 1 : dx == 0 || dy == 0 ? side : corner;
                        blurred += weight * pixels[row + Math.min(width - 1, Math.max(0, x + dx))];
                    }
                }
                int v = pixels[y * width + x];
                out[y * width + x] = clamp(Math.round(2 * v - blurred / total));
            }
        }
        return out;
    }

    static int[] unsigned(BufferedImage grey) {
        return grey.getRaster().getPixels(0, 0, grey.getWidth(), grey.getHeight(), (int[]) null);
    }

    private static int clamp(long value) {
        return (int) Math.max(0, Math.min(255, value));
    }
}
