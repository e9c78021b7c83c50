package dev.fmnist.keras;

import dev.fmnist.keras.KerasFixtures.Layer;
import dev.fmnist.keras.KerasH5Writer.Weight;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A forward pass of a fixture's Keras layers as Keras computes it, written in plain loops over channels-last arrays
 * and independent of DL4J: what an import must reproduce. Activations are [height][width][channels] until a Flatten,
 * which reads them in (row, column, channel) order.
 */
public final class ChannelsLastForward {

    private ChannelsLastForward() {}

    /** The class probabilities of one image, its pixels already scaled as the model expects, row by row. */
    public static double[] probabilities(List<Layer> layers, float[] image) {
        double[][][] map = new double[28][28][1];
        for (int i = 0; i < 784; i++) {
            map[i / 28][i % 28][0] = image[i];
        }
        // each layer's output by name; a layer that names no input reads the one before it
        Map<String, Object> outputs = new HashMap<>();
        outputs.put(KerasFixtures.INPUT, map);
        Object previous = map;
        for (Layer layer : layers) {
            List<Object> in = layer.inputs().isEmpty() ? List.of(previous)
                    : layer.inputs().stream().map(outputs::get).toList();
            Object x = in.get(0);
            Object out = switch (layer.kind()) {
                case "Conv2D" -> conv((double[][][]) x, layer);
                case "BatchNormalization" -> x instanceof double[] values ? batchNorm(values, layer)
                        : batchNorm((double[][][]) x, layer);
                case "MaxPooling2D" -> maxPool((double[][][]) x);
                case "Dropout" -> x; // inference: the identity
                case "Flatten" -> flatten((double[][][]) x);
                case "Dense" -> dense((double[]) x, layer);
                case "ZeroPadding2D" -> zeroPad((double[][][]) x);
                case "Activation" -> relu((double[][][]) x);
                case "AveragePooling2D" -> averagePool((double[][][]) x);
                case "GlobalAveragePooling2D" -> globalAverage((double[][][]) x);
                case "Add" -> add((double[][][]) x, (double[][][]) in.get(1));
                case "Concatenate" -> concatenateChannels((double[][][]) x, (double[][][]) in.get(1));
                default -> throw new IllegalArgumentException(layer.kind());
            };
            outputs.put(layer.name(), out);
            previous = out;
        }
        return (double[]) previous;
    }

    /** One row and column of zeros on each side. */
    private static double[][][] zeroPad(double[][][] in) {
        double[][][] out = new double[in.length + 2][in[0].length + 2][in[0][0].length];
        for (int y = 0; y < in.length; y++) {
            for (int x = 0; x < in[0].length; x++) {
                out[y + 1][x + 1] = in[y][x].clone();
            }
        }
        return out;
    }

    private static double[][][] relu(double[][][] in) {
        double[][][] out = new double[in.length][in[0].length][];
        for (int y = 0; y < in.length; y++) {
            for (int x = 0; x < in[0].length; x++) {
                out[y][x] = java.util.Arrays.stream(in[y][x]).map(v -> Math.max(0, v)).toArray();
            }
        }
        return out;
    }

    private static double[][][] averagePool(double[][][] in) {
        double[][][] out = new double[in.length / 2][in[0].length / 2][in[0][0].length];
        for (int y = 0; y < out.length; y++) {
            for (int x = 0; x < out[0].length; x++) {
                for (int c = 0; c < in[0][0].length; c++) {
                    out[y][x][c] = (in[2 * y][2 * x][c] + in[2 * y][2 * x + 1][c] + in[2 * y + 1][2 * x][c]
                            + in[2 * y + 1][2 * x + 1][c]) / 4;
                }
            }
        }
        return out;
    }

    /** Each channel's mean over the image. */
    private static double[] globalAverage(double[][][] in) {
        double[] out = new double[in[0][0].length];
        for (double[][] row : in) {
            for (double[] pixel : row) {
                for (int c = 0; c < out.length; c++) {
                    out[c] += pixel[c] / (in.length * in[0].length);
                }
            }
        }
        return out;
    }

    private static double[][][] add(double[][][] a, double[][][] b) {
        double[][][] out = new double[a.length][a[0].length][a[0][0].length];
        for (int y = 0; y < a.length; y++) {
            for (int x = 0; x < a[0].length; x++) {
                for (int c = 0; c < a[0][0].length; c++) {
                    out[y][x][c] = a[y][x][c] + b[y][x][c];
                }
            }
        }
        return out;
    }

    /** Keras's Concatenate(axis=-1): the channels of a, then those of b. */
    private static double[][][] concatenateChannels(double[][][] a, double[][][] b) {
        int ca = a[0][0].length;
        int cb = b[0][0].length;
        double[][][] out = new double[a.length][a[0].length][ca + cb];
        for (int y = 0; y < a.length; y++) {
            for (int x = 0; x < a[0].length; x++) {
                System.arraycopy(a[y][x], 0, out[y][x], 0, ca);
                System.arraycopy(b[y][x], 0, out[y][x], ca, cb);
            }
        }
        return out;
    }

    private static double[][][] conv(double[][][] in, Layer layer) {
        Weight kernel = layer.weights().get(0);
        float[] k = kernel.values();
        float[] bias = layer.weights().get(1).values();
        int channelsIn = (int) kernel.shape()[2];
        int channelsOut = (int) kernel.shape()[3];
        boolean same = layer.config().get("padding").asText().equals("same");
        boolean relu = layer.config().get("activation").asText().equals("relu");
        int h = in.length;
        int w = in[0].length;
        int outH = same ? h : h - 2;
        int outW = same ? w : w - 2;
        int offset = same ? -1 : 0;
        double[][][] out = new double[outH][outW][channelsOut];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                for (int o = 0; o < channelsOut; o++) {
                    double sum = bias[o];
                    for (int ky = 0; ky < 3; ky++) {
                        for (int kx = 0; kx < 3; kx++) {
                            int iy = y + ky + offset;
                            int ix = x + kx + offset;
                            if (iy < 0 || ix < 0 || iy >= h || ix >= w) {
                                continue;
                            }
                            for (int c = 0; c < channelsIn; c++) {
                                // Keras kernel [kh][kw][in][out]
                                sum += in[iy][ix][c] * k[((ky * 3 + kx) * channelsIn + c) * channelsOut + o];
                            }
                        }
                    }
                    out[y][x][o] = relu ? Math.max(0, sum) : sum;
                }
            }
        }
        return out;
    }

    private static double[][][] batchNorm(double[][][] in, Layer layer) {
        double[][][] map = new double[in.length][in[0].length][];
        for (int y = 0; y < in.length; y++) {
            for (int x = 0; x < in[0].length; x++) {
                map[y][x] = in[y][x].clone();
            }
        }
        float[] gamma = layer.weights().get(0).values();
        float[] beta = layer.weights().get(1).values();
        float[] mean = layer.weights().get(2).values();
        float[] variance = layer.weights().get(3).values();
        double epsilon = layer.config().get("epsilon").asDouble();
        for (double[][] row : map) {
            for (double[] pixel : row) {
                for (int c = 0; c < pixel.length; c++) {
                    pixel[c] = gamma[c] * (pixel[c] - mean[c]) / Math.sqrt(variance[c] + epsilon) + beta[c];
                }
            }
        }
        return map;
    }

    /** A batch normalization of flattened values: one mean, variance, gamma and beta per value. */
    private static double[] batchNorm(double[] in, Layer layer) {
        float[] gamma = layer.weights().get(0).values();
        float[] beta = layer.weights().get(1).values();
        float[] mean = layer.weights().get(2).values();
        float[] variance = layer.weights().get(3).values();
        double epsilon = layer.config().get("epsilon").asDouble();
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = gamma[i] * (in[i] - mean[i]) / Math.sqrt(variance[i] + epsilon) + beta[i];
        }
        return out;
    }

    private static double[][][] maxPool(double[][][] in) {
        int outH = in.length / 2;
        int outW = in[0].length / 2;
        int channels = in[0][0].length;
        double[][][] out = new double[outH][outW][channels];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < channels; c++) {
                    out[y][x][c] = Math.max(Math.max(in[2 * y][2 * x][c], in[2 * y][2 * x + 1][c]),
                            Math.max(in[2 * y + 1][2 * x][c], in[2 * y + 1][2 * x + 1][c]));
                }
            }
        }
        return out;
    }

    private static double[] flatten(double[][][] map) {
        int h = map.length;
        int w = map[0].length;
        int c = map[0][0].length;
        double[] out = new double[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(map[y][x], 0, out, (y * w + x) * c, c);
            }
        }
        return out;
    }

    private static double[] dense(double[] in, Layer layer) {
        Weight kernel = layer.weights().get(0);
        float[] k = kernel.values();
        float[] bias = layer.weights().get(1).values();
        int units = (int) kernel.shape()[1];
        double[] out = new double[units];
        for (int j = 0; j < units; j++) {
            double sum = bias[j];
            for (int i = 0; i < in.length; i++) {
                sum += in[i] * k[i * units + j]; // Keras kernel [in][out]
            }
            out[j] = sum;
        }
        String activation = layer.config().get("activation").asText();
        if (activation.equals("relu")) {
            for (int j = 0; j < units; j++) {
                out[j] = Math.max(0, out[j]);
            }
        } else if (activation.equals("softmax")) {
            double max = java.util.Arrays.stream(out).max().orElse(0);
            double total = 0;
            for (int j = 0; j < units; j++) {
                out[j] = Math.exp(out[j] - max);
                total += out[j];
            }
            for (int j = 0; j < units; j++) {
                out[j] /= total;
            }
        }
        return out;
    }
}
