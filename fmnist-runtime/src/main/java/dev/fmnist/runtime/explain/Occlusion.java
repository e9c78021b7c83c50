package dev.fmnist.runtime.explain;

import dev.fmnist.api.ImageShape;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;

/**
 * Occlusion sensitivity: a {@value #PATCH}x{@value #PATCH} patch at every {@value #STRIDE}th pixel, filled with the
 * background (a pixel of 0, encoded as the model encodes it), each occluded copy answered in one batch per image.
 * The patch is the background's colour rather than grey: on Fashion-MNIST's black background a grey square is an
 * object that was not there, and the map would show where the model dislikes squares rather than what it looked at.
 */
final class Occlusion {

    static final int PATCH = 6;
    static final int STRIDE = 2;

    private Occlusion() {}

    static float[][] maps(Predictor predictor, EncodedBatch images, int[] classes) {
        ImageShape shape = predictor.encoder().shape();
        int width = shape.width();
        int height = shape.height();
        int channels = shape.channels();
        int plane = width * height;
        int size = predictor.encoder().pixels();
        float[] background = background(predictor);
        int[] starts = starts(width);
        int[] rowStarts = starts(height);
        int patches = starts.length * rowStarts.length;
        float[][] maps = new float[images.count()][];
        for (int image = 0; image < images.count(); image++) {
            float[] occluded = new float[(patches + 1) * size];
            // row 0 the image itself, then one row per patch position
            for (int row = 0; row <= patches; row++) {
                System.arraycopy(images.rows(), image * size, occluded, row * size, size);
            }
            int row = 1;
            for (int top : rowStarts) {
                for (int left : starts) {
                    for (int c = 0; c < channels; c++) {
                        for (int y = top; y < top + PATCH; y++) {
                            for (int x = left; x < left + PATCH; x++) {
                                int at = c * plane + y * width + x;
                                occluded[row * size + at] = background[at];
                            }
                        }
                    }
                    row++;
                }
            }
            float[][] answered = predictor.probabilities(new EncodedBatch(occluded, patches + 1));
            float original = answered[0][classes[image]];
            float[] drop = new float[plane];
            int[] covered = new int[plane];
            row = 1;
            for (int top : rowStarts) {
                for (int left : starts) {
                    float change = original - answered[row][classes[image]];
                    for (int y = top; y < top + PATCH; y++) {
                        for (int x = left; x < left + PATCH; x++) {
                            drop[y * width + x] += change;
                            covered[y * width + x]++;
                        }
                    }
                    row++;
                }
            }
            for (int p = 0; p < plane; p++) {
                drop[p] /= Math.max(1, covered[p]);
            }
            maps[image] = drop;
        }
        return maps;
    }

    /** The model's encoding of an all-background (0) image. */
    static float[] background(Predictor predictor) {
        float[] encoded = new float[predictor.encoder().pixels()];
        predictor.encoder().encodeBytes(new byte[predictor.encoder().pixels()], 0, encoded, 0);
        return encoded;
    }

    /** Patch positions along an edge, the last one flush with the far edge so every pixel is covered. */
    private static int[] starts(int edge) {
        int last = edge - PATCH;
        int count = last / STRIDE + 1 + (last % STRIDE == 0 ? 0 : 1);
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = Math.min(i * STRIDE, last);
        }
        return starts;
    }
}
