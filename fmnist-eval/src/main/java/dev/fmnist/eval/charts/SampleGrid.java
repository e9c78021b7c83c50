package dev.fmnist.eval.charts;

import dev.fmnist.api.data.LabelledImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** A labelled picture of a dataset: one row per class, a few seeded-random samples per row. */
public final class SampleGrid {

    private static final int LABEL_WIDTH = 120;
    private static final int GAP = 4;
    private static final int TITLE = 28;

    private SampleGrid() {}

    public static BufferedImage render(LabelledImages images, int perClass, int scale, long seed, String title) {
        List<String> names = images.classNames();
        int side = images.shape().width() * scale;
        int width = LABEL_WIDTH + perClass * (side + GAP) + GAP;
        int height = TITLE + names.size() * (side + GAP) + GAP;
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, GAP, 19);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            List<List<Integer>> samples = samplesPerClass(images, perClass, seed);
            for (int c = 0; c < names.size(); c++) {
                int y = TITLE + c * (side + GAP);
                g.setColor(Color.BLACK);
                g.drawString(c + "  " + names.get(c), GAP, y + side / 2 + 5);
                List<Integer> row = samples.get(c);
                for (int k = 0; k < row.size(); k++) {
                    drawImage(canvas, images, row.get(k), LABEL_WIDTH + k * (side + GAP), y, scale);
                }
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static List<List<Integer>> samplesPerClass(LabelledImages images, int perClass, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < images.classNames().size(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < images.count(); i++) {
            byClass.get(images.label(i)).add(i);
        }
        Random random = new Random(seed);
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, random);
            members.subList(Math.min(perClass, members.size()), members.size()).clear();
        }
        return byClass;
    }

    /** Fashion-MNIST stores ink as high values on black; show it as a photo would: dark clothes on white. */
    private static void drawImage(BufferedImage canvas, LabelledImages images, int index, int x0, int y0, int scale) {
        int width = images.shape().width();
        int height = images.shape().height();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int grey = 255 - images.pixel(index, y * width + x);
                int rgb = grey << 16 | grey << 8 | grey;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        canvas.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                    }
                }
            }
        }
    }
}
