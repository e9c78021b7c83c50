package dev.fmnist.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fmnist.keras.KerasH5Writer.LayerWeights;
import dev.fmnist.keras.KerasH5Writer.Weight;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Keras 2 models of the three architectures the platform's users bring from Python (the project it grew from
 * trained them in Keras), written as {@code model.save()} writes them, with known seeded weights: a dense network,
 * a basic CNN and a deeper CNN with batch normalization and dropout. {@link #layers} is what an independent forward
 * pass needs to check an import.
 */
public final class KerasFixtures {

    /**
     * One Keras layer: its class, name, the config fields that matter, its weights in Keras's layout, and in a
     * functional model the layers it reads (none: the layer before it, or the model's input for the first).
     */
    public record Layer(String kind, String name, ObjectNode config, List<Weight> weights, List<String> inputs) {

        public Layer(String kind, String name, ObjectNode config, List<Weight> weights) {
            this(kind, name, config, weights, List.of());
        }

        Layer reading(String... layers) {
            return new Layer(kind, name, config, weights, List.of(layers));
        }
    }

    /** A model: its Keras layers in order, the shape of one input (without the batch), Sequential or functional. */
    public record Model(String name, List<Layer> layers, long[] inputShape, boolean functional) {

        public Model(String name, List<Layer> layers, long[] inputShape) {
            this(name, layers, inputShape, false);
        }

        /** Writes it as Keras 2.4 would (keras_version "2.4.0", TensorFlow backend). */
        public Path write(Path file) {
            return write(file, "2.4.0");
        }

        public Path write(Path file, String kerasVersion) {
            List<LayerWeights> weights = new java.util.ArrayList<>();
            if (functional) { // a functional model's layers include its input, whose group holds no weights
                weights.add(new LayerWeights(INPUT, List.of()));
            }
            layers.forEach(l -> weights.add(new LayerWeights(l.name(), l.weights())));
            KerasH5Writer.write(file, modelConfig(this, kerasVersion), kerasVersion, weights);
            return file;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasFixtures() {}

    /** Flatten, Dense(128, relu), Dense(64, relu), Dense(10, softmax) on a [28, 28] input. */
    public static Model dense() {
        Builder b = new Builder(1);
        return new Model("dense", List.of(
                b.flatten("flatten"),
                b.dense("dense", 784, 128, "relu"),
                b.dense("dense_1", 128, 64, "relu"),
                b.dense("dense_2", 64, 10, "softmax")), new long[] {28, 28});
    }

    /**
     * Conv2D(32, 3x3, relu), MaxPooling2D(2), Flatten, Dropout(0.5), Dense(100, relu), Dense(10, softmax) on
     * [28, 28, 1]: a dropout between the flatten and the dense layer that reads it, as Keras tutorials have it.
     */
    public static Model cnn() {
        Builder b = new Builder(2);
        return new Model("cnn", List.of(
                b.conv("conv2d", 1, 32, "valid"),
                b.maxPool("max_pooling2d"),
                b.flatten("flatten"),
                b.dropout("dropout", 0.5),
                b.dense("dense", 13 * 13 * 32, 100, "relu"),
                b.dense("dense_1", 100, 10, "softmax")), new long[] {28, 28, 1});
    }

    /**
     * The deeper CNN: two 'same' convolutions of 32 each followed by batch normalization, pooling and dropout, a
     * convolution of 64 with batch normalization, pooling and dropout, Dense(128, relu), dropout, Dense(10, softmax).
     */
    public static Model deepCnn() {
        Builder b = new Builder(3);
        return new Model("deep-cnn", List.of(
                b.conv("conv2d", 1, 32, "same"),
                b.batchNorm("batch_normalization", 32),
                b.conv("conv2d_1", 32, 32, "same"),
                b.batchNorm("batch_normalization_1", 32),
                b.maxPool("max_pooling2d"),
                b.dropout("dropout", 0.25),
                b.conv("conv2d_2", 32, 64, "same"),
                b.batchNorm("batch_normalization_2", 64),
                b.maxPool("max_pooling2d_1"),
                b.dropout("dropout_1", 0.25),
                b.flatten("flatten"),
                b.dense("dense", 7 * 7 * 64, 128, "relu"),
                b.dropout("dropout_2", 0.5),
                b.dense("dense_1", 128, 10, "softmax")), new long[] {28, 28, 1});
    }

    /**
     * The remaining layers the conversion claims, in a Sequential model: ZeroPadding2D(1), a linear Conv2D(8, 3x3,
     * 'valid'), Activation(relu), AveragePooling2D(2), Conv2D(16, 3x3, 'same', relu), GlobalAveragePooling2D,
     * Dense(10, softmax).
     */
    public static Model pooled() {
        Builder b = new Builder(5);
        ObjectNode padding = JSON.createObjectNode().put("data_format", "channels_last");
        padding.putArray("padding").add(JSON.createArrayNode().add(1).add(1)).add(JSON.createArrayNode().add(1).add(1));
        ObjectNode linear = b.conv("conv2d", 1, 8, "valid").config().deepCopy().put("activation", "linear");
        Layer conv = b.conv("conv2d", 1, 8, "valid");
        ObjectNode average = b.maxPool("average_pooling2d").config().deepCopy();
        return new Model("pooled", List.of(
                new Layer("ZeroPadding2D", "zero_padding2d", padding, List.of()),
                new Layer("Conv2D", "conv2d", linear, conv.weights()),
                new Layer("Activation", "activation", JSON.createObjectNode().put("activation", "relu"), List.of()),
                new Layer("AveragePooling2D", "average_pooling2d", average, List.of()),
                b.conv("conv2d_1", 8, 16, "same"),
                new Layer("GlobalAveragePooling2D", "global_average_pooling2d",
                        JSON.createObjectNode().put("data_format", "channels_last"), List.of()),
                b.dense("dense", 16, 10, "softmax")), new long[] {28, 28, 1});
    }

    /**
     * A small functional network with both merges Keras offers: two 'same' convolutions of 16 added (a residual
     * connection), pooling, a convolution of 8 concatenated to its input along the channels, Flatten, a batch
     * normalization of the flattened values, Dense(10, softmax).
     */
    public static Model residual() {
        Builder b = new Builder(4);
        ObjectNode concat = JSON.createObjectNode().put("axis", -1);
        return new Model("residual", List.of(
                b.conv("conv2d", 1, 16, "same").reading(INPUT),
                b.conv("conv2d_1", 16, 16, "same").reading("conv2d"),
                new Layer("Add", "add", JSON.createObjectNode(), List.of()).reading("conv2d", "conv2d_1"),
                b.maxPool("max_pooling2d").reading("add"),
                b.conv("conv2d_2", 16, 8, "same").reading("max_pooling2d"),
                new Layer("Concatenate", "concatenate", concat, List.of()).reading("max_pooling2d", "conv2d_2"),
                b.flatten("flatten").reading("concatenate"),
                b.batchNorm("batch_normalization", 14 * 14 * 24, -1).reading("flatten"),
                b.dense("dense", 14 * 14 * 24, 10, "softmax").reading("batch_normalization")), new long[] {28, 28, 1},
                true);
    }

    /** The name of a functional model's input layer. */
    public static final String INPUT = "input_1";

    /**
     * The Keras {@code model_config}, as tf.keras 2.x writes it: a Sequential model with an InputLayer first, or a
     * functional one whose layers name their inbound nodes.
     */
    static String modelConfig(Model model, String kerasVersion) {
        ObjectNode root = JSON.createObjectNode();
        root.put("class_name", model.functional() ? "Functional" : "Sequential");
        ObjectNode config = root.putObject("config");
        config.put("name", model.functional() ? "model" : "sequential");
        ArrayNode layers = config.putArray("layers");
        ObjectNode input = layers.addObject();
        input.put("class_name", "InputLayer");
        ObjectNode inputConfig = input.putObject("config");
        ArrayNode shape = inputConfig.putArray("batch_input_shape");
        shape.addNull();
        Arrays.stream(model.inputShape()).forEach(shape::add);
        String inputName = model.functional() ? INPUT : model.layers().get(0).name() + "_input";
        inputConfig.put("dtype", "float32").put("sparse", false).put("ragged", false).put("name", inputName);
        if (model.functional()) {
            input.put("name", inputName);
            input.putArray("inbound_nodes");
        }
        for (Layer layer : model.layers()) {
            ObjectNode node = layers.addObject();
            node.put("class_name", layer.kind());
            ObjectNode c = layer.config().deepCopy();
            c.put("name", layer.name()).put("trainable", true).put("dtype", "float32");
            node.set("config", c);
            if (model.functional()) {
                node.put("name", layer.name());
                ArrayNode inbound = node.putArray("inbound_nodes").addArray();
                for (String from : layer.inputs()) {
                    inbound.addArray().add(from).add(0).add(0).addObject();
                }
            }
        }
        if (model.functional()) {
            config.putArray("input_layers").addArray().add(inputName).add(0).add(0);
            config.putArray("output_layers").addArray().add(model.layers().get(model.layers().size() - 1).name())
                    .add(0).add(0);
        }
        root.put("keras_version", kerasVersion);
        root.put("backend", "tensorflow");
        return root.toString();
    }

    /** Makes layers with weights drawn from a seeded generator, scaled as Glorot's uniform initializer scales them. */
    private static final class Builder {

        private final Random random;

        Builder(long seed) {
            this.random = new Random(seed);
        }

        Layer dense(String name, int in, int out, String activation) {
            ObjectNode c = JSON.createObjectNode().put("units", out).put("activation", activation).put("use_bias", true);
            initializers(c);
            return new Layer("Dense", name, c, List.of(
                    new Weight("kernel:0", new long[] {in, out}, uniform(in * out, Math.sqrt(6.0 / (in + out)))),
                    new Weight("bias:0", new long[] {out}, uniform(out, 0.1))));
        }

        Layer conv(String name, int in, int out, String padding) {
            ObjectNode c = JSON.createObjectNode().put("filters", out);
            c.putArray("kernel_size").add(3).add(3);
            c.putArray("strides").add(1).add(1);
            c.put("padding", padding).put("data_format", "channels_last");
            c.putArray("dilation_rate").add(1).add(1);
            c.put("groups", 1).put("activation", "relu").put("use_bias", true);
            initializers(c);
            return new Layer("Conv2D", name, c, List.of(
                    new Weight("kernel:0", new long[] {3, 3, in, out},
                            uniform(9 * in * out, Math.sqrt(6.0 / (9 * in + 9 * out)))),
                    new Weight("bias:0", new long[] {out}, uniform(out, 0.1))));
        }

        Layer batchNorm(String name, int channels) {
            return batchNorm(name, channels, 3);
        }

        /** A batch normalization over {@code axis}: 3 for an image's channels, -1 for flattened values. */
        Layer batchNorm(String name, int channels, int axis) {
            ObjectNode c = JSON.createObjectNode();
            c.putArray("axis").add(axis);
            c.put("momentum", 0.99).put("epsilon", 0.001).put("center", true).put("scale", true);
            for (String key : List.of("beta_initializer", "moving_mean_initializer")) {
                c.putObject(key).put("class_name", "Zeros").putObject("config");
            }
            for (String key : List.of("gamma_initializer", "moving_variance_initializer")) {
                c.putObject(key).put("class_name", "Ones").putObject("config");
            }
            for (String key : List.of("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
                c.putNull(key);
            }
            float[] variance = uniform(channels, 0.5);
            for (int i = 0; i < channels; i++) {
                variance[i] = 1 + variance[i];
            }
            float[] gamma = uniform(channels, 0.3);
            for (int i = 0; i < channels; i++) {
                gamma[i] = 1 + gamma[i];
            }
            return new Layer("BatchNormalization", name, c, List.of(
                    new Weight("gamma:0", new long[] {channels}, gamma),
                    new Weight("beta:0", new long[] {channels}, uniform(channels, 0.2)),
                    new Weight("moving_mean:0", new long[] {channels}, uniform(channels, 0.3)),
                    new Weight("moving_variance:0", new long[] {channels}, variance)));
        }

        Layer maxPool(String name) {
            ObjectNode c = JSON.createObjectNode();
            c.putArray("pool_size").add(2).add(2);
            c.put("padding", "valid");
            c.putArray("strides").add(2).add(2);
            c.put("data_format", "channels_last");
            return new Layer("MaxPooling2D", name, c, List.of());
        }

        Layer flatten(String name) {
            return new Layer("Flatten", name, JSON.createObjectNode().put("data_format", "channels_last"), List.of());
        }

        Layer dropout(String name, double rate) {
            ObjectNode c = JSON.createObjectNode().put("rate", rate);
            c.putNull("noise_shape");
            c.putNull("seed");
            return new Layer("Dropout", name, c, List.of());
        }

        private static void initializers(ObjectNode c) {
            c.putObject("kernel_initializer").put("class_name", "GlorotUniform").putObject("config").putNull("seed");
            c.putObject("bias_initializer").put("class_name", "Zeros").putObject("config");
            for (String key : List.of("kernel_regularizer", "bias_regularizer", "activity_regularizer",
                    "kernel_constraint", "bias_constraint")) {
                c.putNull(key);
            }
        }

        private float[] uniform(int n, double limit) {
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
            }
            return values;
        }
    }
}
