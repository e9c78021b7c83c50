package dev.fmnist.eval.charts;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.runtime.explain.Overlay;
import dev.fmnist.runtime.predict.Predictions;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** A grid of images with their true class, predicted class and confidence; wrong ones framed in red. */
public final class PredictionGrid {

    private static final int SCALE = 3;
    private static final int CAPTION = 34;
    private static final int GAP = 10;
    private static final int HEADER = 32;
    private static final Color WRONG = new Color(0xc62828);
    private static final Color RIGHT = new Color(0x2e7d32);

    private PredictionGrid() {}

    public static BufferedImage render(LabelledImages images, Predictions predictions, List<Integer> indices,
            int columns, String title) {
        return render(images, predictions, indices, columns, title, null);
    }

    /**
     * The grid with each image's explanation drawn over it ({@link Overlay}: the image light on black, tinted where
     * its map is high).
     *
     * @param maps one map per entry of {@code indices}; null for the plain images
     */
    public static BufferedImage render(LabelledImages images, Predictions predictions, List<Integer> indices,
            int columns, String title, List<float[]> maps) {
        int side = images.shape().width() * SCALE;
        int cellWidth = Math.max(side, 140) + GAP;
        int cellHeight = side + CAPTION + GAP;
        int rows = Math.max(1, (indices.size() + columns - 1) / columns);
        BufferedImage canvas = new BufferedImage(columns * cellWidth + GAP, HEADER + rows * cellHeight,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, GAP, 21);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int k = 0; k < indices.size(); k++) {
                int image = indices.get(k);
                int x = GAP + (k % columns) * cellWidth + (cellWidth - GAP - side) / 2;
                int y = HEADER + (k / columns) * cellHeight;
                if (maps == null) {
                    drawImage(canvas, images, image, x, y);
                } else {
                    g.drawImage(Overlay.image(pixels(images, image), maps.get(k), images.shape().width(),
                            images.shape().height(), SCALE), x, y, null);
                }
                int predicted = predictions.predicted(image);
                boolean right = predicted == images.label(image);
                g.setColor(right ? RIGHT : WRONG);
                g.setStroke(new BasicStroke(right ? 1 : 3));
                g.drawRect(x - 1, y - 1, side + 1, side + 1);
                int textX = GAP + (k % columns) * cellWidth;
                g.setColor(Color.BLACK);
                g.drawString("true: " + images.classNames().get(images.label(image)), textX, y + side + 13);
                g.setColor(right ? RIGHT : WRONG);
                g.drawString(String.format("pred: %s %.0f%%", images.classNames().get(predicted),
                        predictions.confidence(image) * 100), textX, y + side + 27);
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static byte[] pixels(LabelledImages images, int index) {
        byte[] pixels = new byte[images.shape().pixels()];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = (byte) images.pixel(index, p);
        }
        return pixels;
    }

    /** Dark clothes on white, as the dataset's pictures are usually shown. */
    private static void drawImage(BufferedImage canvas, LabelledImages images, int index, int x0, int y0) {
        int width = images.shape().width();
        for (int p = 0; p < images.shape().pixels(); p++) {
            int grey = 255 - images.pixel(index, p);
            int rgb = grey << 16 | grey << 8 | grey;
            int px = x0 + (p % width) * SCALE;
            int py = y0 + (p / width) * SCALE;
            for (int dy = 0; dy < SCALE; dy++) {
                for (int dx = 0; dx < SCALE; dx++) {
                    canvas.setRGB(px + dx, py + dy, rgb);
                }
            }
        }
    }
}
