package dev.fmnist.keras;

import dev.fmnist.api.InputLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Turns the network DL4J's importer makes of a Keras file into one the platform feeds and serves like its own:
 * channels-first images ([N, 1, 28, 28]) or flat rows ([N, 784]), core DL4J classes only (a saved model must load
 * where the importer is absent: the server, the Spark job), and an output layer that training understands.
 *
 * <p>Keras computes channels-last ([N, 28, 28, 1]); the importer keeps that layout in every convolutional layer,
 * flattens in (row, column, channel) order and concatenates along the last axis. Here every layer computes
 * channels-first instead, the first dense layer after a flatten has its weight rows reordered from (row, column,
 * channel) to (channel, row, column) so it sees each value where Keras's kernel expects it, and a concatenation of
 * images joins their channels on axis 1. Convolution kernels need no change: DL4J keeps them [out, in, kh, kw] in
 * either layout.
 */
final class LayoutConversion {

    /** The converted network, the layout its inputs come in, and what was changed, in a sentence. */
    record Converted(Model network, InputLayout layout, String sentence) {}

    /** The importer's class that flattens a [28, 28] input read as a sequence: replaced by a flat input. */
    private static final String FLATTEN_SEQUENCE = "KerasFlattenRnnPreprocessor";

    private LayoutConversion() {}

    /**
     * @param imported   the importer's network: a layer stack (Sequential) or a graph (functional)
     * @param inputShape one input as the Keras file declares it: [28, 28, 1], [28, 28] or [784]
     * @param classes    how many classes the output must have
     */
    static Converted of(Model imported, List<Long> inputShape, int classes) {
        InputLayout layout = inputShape.size() == 3 ? InputLayout.IMAGE : InputLayout.FLAT;
        Changes changes = new Changes(layout);
        Model converted = imported instanceof ComputationGraph graph ? graph(graph, changes, classes)
                : layers((MultiLayerNetwork) imported, changes, classes);
        return new Converted(converted, layout, changes.sentence());
    }

    private static MultiLayerNetwork layers(MultiLayerNetwork imported, Changes changes, int classes) {
        MultiLayerConfiguration conf = imported.getLayerWiseConfigurations().clone();
        Map<String, long[]> reordered = new HashMap<>();
        long[] pending = null; // a channels-last flatten whose order the next layers must take in
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            Map<String, long[]> flattened = new HashMap<>();
            InputPreProcessor pre = preprocessor(conf.getInputPreProcess(i), i == 0, name(layer), changes, flattened,
                    "here");
            if (pre == null) {
                conf.getInputPreProcessors().remove(i);
            } else {
                conf.getInputPreProcessors().put(i, pre);
            }
            channelsFirst(layer);
            long[] order = flattened.containsKey("here") ? flattened.get("here") : pending;
            pending = order == null ? null : takeOrder(layer, order, Integer.toString(i), reordered, changes);
        }
        int last = conf.getConfs().size() - 1;
        conf.getConf(last).setLayer(output(conf.getConf(last).getLayer(), classes, changes));
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        for (int i = 0; i < network.getnLayers(); i++) {
            copy(imported.getLayer(i).paramTable(), network.getLayer(i).paramTable(), reordered.get(Integer.toString(i)),
                    conf.getConf(i).getLayer());
        }
        return network;
    }

    /**
     * A layer that reads values flattened channels-last, in {@code hwc} order: a Dense layer takes the order into its
     * weight rows (nothing after it sees the flatten), a batch normalization into its per-value parameters, and
     * Dropout and Activation pass it on unchanged. Returns the order the next layer reads in, or null.
     */
    private static long[] takeOrder(Layer layer, long[] hwc, String key, Map<String, long[]> reordered,
            Changes changes) {
        if (layer instanceof DropoutLayer || layer instanceof ActivationLayer) {
            return hwc;
        }
        if (layer instanceof DenseLayer || layer instanceof OutputLayer || layer instanceof BatchNormalization) {
            reordered.put(key, hwc);
            changes.reordered.add(name(layer));
            return layer instanceof BatchNormalization ? hwc : null;
        }
        throw new KerasImportException("the model's flattened values feed " + name(layer) + " ("
                + layer.getClass().getSimpleName() + "), which the import cannot give them channels-first: after a "
                + "Flatten it converts Dense, BatchNormalization, Dropout and Activation");
    }

    private static ComputationGraph graph(ComputationGraph imported, Changes changes, int classes) {
        ComputationGraphConfiguration original = imported.getConfiguration();
        ComputationGraphConfiguration conf = original.clone();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new KerasImportException("the model has " + conf.getNetworkInputs().size() + " inputs and "
                    + conf.getNetworkOutputs().size() + " outputs: the platform imports models of one image to one "
                    + "set of class probabilities");
        }
        String input = conf.getNetworkInputs().get(0);
        // what each vertex outputs in the imported (channels-last) network: a concatenation's axis depends on it
        Map<String, InputType> types = changes.layout == InputLayout.IMAGE
                ? original.getLayerActivationTypes(InputType.convolutional(28, 28, 1, CNN2DFormat.NHWC)) : Map.of();
        Map<String, long[]> reordered = new HashMap<>();
        Map<String, long[]> flattenedBy = new HashMap<>(); // vertices whose outputs are still in channels-last order
        for (String name : original.getTopologicalOrderStr()) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex == null) {
                continue; // the input
            }
            List<String> inputs = conf.getVertexInputs().get(name);
            if (vertex instanceof LayerVertex layerVertex) {
                Layer layer = layerVertex.getLayerConf().getLayer();
                Map<String, long[]> flattened = new HashMap<>();
                layerVertex.setPreProcessor(preprocessor(layerVertex.getPreProcessor(), inputs.contains(input),
                        name(layer), changes, flattened, name));
                channelsFirst(layer);
                long[] order = flattened.containsKey(name) ? flattened.get(name)
                        : inputs.stream().map(flattenedBy::get).filter(java.util.Objects::nonNull).findFirst()
                                .orElse(null);
                if (order != null) {
                    long[] next = takeOrder(layer, order, name, reordered, changes);
                    if (next != null) {
                        flattenedBy.put(name, next);
                    }
                }
            } else if (vertex instanceof PreprocessorVertex preprocessing) {
                Map<String, long[]> flattened = new HashMap<>();
                InputPreProcessor pre = preprocessor(preprocessing.getPreProcessor(), inputs.contains(input),
                        "'" + name + "'", changes, flattened, name);
                if (pre == null) {
                    // the importer's sequence flatten of a [28, 28] input: the input arrives flat, read it directly
                    bypass(conf, name);
                    continue;
                }
                preprocessing.setPreProcessor(pre);
                if (flattened.containsKey(name)) {
                    flattenedBy.put(name, flattened.get(name));
                }
            } else if (vertex instanceof MergeVertex merge) {
                refuseChannelsLastOrder(name, inputs, flattenedBy);
                // the clone forgets the axis; the imported vertex has it (Keras's, -1 for channels)
                int axis = ((MergeVertex) original.getVertices().get(name)).getMergeAxis();
                merge.setMergeAxis(types.get(name) instanceof InputType.InputTypeConvolutional
                        ? channelsFirstAxis(axis, name) : axis);
            } else if (vertex instanceof ElementWiseVertex) {
                refuseChannelsLastOrder(name, inputs, flattenedBy);
            } else {
                throw new KerasImportException("the model's '" + name + "' became DL4J's "
                        + vertex.getClass().getSimpleName() + ", which the import cannot convert (it converts layers, "
                        + "Flatten, Add, Subtract, Multiply, Average, Maximum and Concatenate)");
            }
        }
        String outputName = conf.getNetworkOutputs().get(0);
        if (!(conf.getVertices().get(outputName) instanceof LayerVertex outputLayer)) {
            throw new KerasImportException("the model's output, '" + outputName + "', is not a Dense layer with a "
                    + "softmax activation: the platform imports classifiers whose output is one softmax over the "
                    + "classes");
        }
        outputLayer.getLayerConf().setLayer(output(outputLayer.getLayerConf().getLayer(), classes, changes));
        ComputationGraph network = new ComputationGraph(conf);
        network.init();
        for (org.deeplearning4j.nn.api.Layer layer : network.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            copy(imported.getLayer(name).paramTable(), layer.paramTable(), reordered.get(name), layer.conf().getLayer());
        }
        return network;
    }

    /** Flattened values still in channels-last order cannot be merged with others: their positions would not match. */
    private static void refuseChannelsLastOrder(String vertex, List<String> inputs, Map<String, long[]> flattenedBy) {
        if (inputs.stream().anyMatch(flattenedBy::containsKey)) {
            throw new KerasImportException("the model's '" + vertex + "' merges flattened values before a Dense layer "
                    + "read them, which the import cannot give channels-first order");
        }
    }

    /** Removes a vertex of one input, its readers reading that input instead. */
    private static void bypass(ComputationGraphConfiguration conf, String vertex) {
        String from = conf.getVertexInputs().get(vertex).get(0);
        conf.getVertices().remove(vertex);
        conf.getVertexInputs().remove(vertex);
        conf.getVertexInputs().replaceAll((name, inputs) -> inputs.stream()
                .map(in -> in.equals(vertex) ? from : in).toList());
        conf.setNetworkOutputs(conf.getNetworkOutputs().stream().map(out -> out.equals(vertex) ? from : out).toList());
    }

    /**
     * The preprocessor a converted layer reads through: a channels-last flatten becomes a channels-first one (its
     * order recorded under {@code key} in {@code flattened}), the importer's sequence flatten of a [28, 28] input
     * goes (the input arrives flat), and any other preprocessor is refused.
     */
    private static InputPreProcessor preprocessor(InputPreProcessor pre, boolean readsInput, String layer,
            Changes changes, Map<String, long[]> flattened, String key) {
        if (pre == null) {
            return null;
        }
        if (readsInput && pre.getClass().getSimpleName().equals(FLATTEN_SEQUENCE)) {
            changes.flattenedRows = true;
            return null;
        }
        if (pre instanceof CnnToFeedForwardPreProcessor flatten) {
            if (flatten.getFormat() == CNN2DFormat.NHWC && flatten.getNumChannels() > 1) {
                flattened.put(key, new long[] {flatten.getInputHeight(), flatten.getInputWidth(),
                        flatten.getNumChannels()});
            }
            return new CnnToFeedForwardPreProcessor(flatten.getInputHeight(), flatten.getInputWidth(),
                    flatten.getNumChannels(), CNN2DFormat.NCHW);
        }
        throw new KerasImportException("layer " + layer + " needs the importer's "
                + pre.getClass().getSimpleName() + ", which the platform does not carry into saved models");
    }

    /** Sets an imported layer to compute channels-first, or refuses a layer this conversion does not know. */
    private static void channelsFirst(Layer layer) {
        if (layer.getClass() == ConvolutionLayer.class) {
            ((ConvolutionLayer) layer).setCnn2dDataFormat(CNN2DFormat.NCHW);
        } else if (layer.getClass() == SubsamplingLayer.class) {
            ((SubsamplingLayer) layer).setCnn2dDataFormat(CNN2DFormat.NCHW);
        } else if (layer instanceof BatchNormalization bn) {
            bn.setCnn2DFormat(CNN2DFormat.NCHW);
        } else if (layer instanceof ZeroPaddingLayer padding) {
            padding.setDataFormat(CNN2DFormat.NCHW);
        } else if (layer instanceof GlobalPoolingLayer pooling) {
            int[] dimensions = pooling.getPoolingDimensions();
            if (dimensions != null && Arrays.equals(dimensions, new int[] {1, 2})) {
                pooling.setPoolingDimensions(new int[] {2, 3});
            }
        } else if (!(layer instanceof DenseLayer || layer instanceof OutputLayer || layer instanceof DropoutLayer
                || layer instanceof ActivationLayer)) {
            throw new KerasImportException("layer " + name(layer) + " became DL4J's "
                    + layer.getClass().getSimpleName() + ", which the import cannot convert to channels-first inputs "
                    + "(it converts Conv2D, pooling, BatchNormalization, ZeroPadding2D, Dense, Dropout, Activation)");
        }
    }

    /** The channels-first axis of a channels-last image axis: channels (-1 or 3) go to 1, rows to 2, columns to 3. */
    private static int channelsFirstAxis(int axis, String vertex) {
        return switch (axis) {
            case -1, 3 -> 1;
            case 1 -> 2;
            case 2 -> 3;
            default -> throw new KerasImportException("the model's '" + vertex + "' concatenates images along axis "
                    + axis + ", which has no channels-first equivalent");
        };
    }

    /**
     * The output as an output layer with the cross-entropy loss, so the model can be fine-tuned: the importer keeps
     * Keras's last Dense as a plain dense layer (it reads no training config: it is asked not to enforce one).
     */
    private static Layer output(Layer layer, int classes, Changes changes) {
        if (!(layer instanceof DenseLayer || layer instanceof OutputLayer)
                || !(((BaseLayer) layer).getActivationFn() instanceof ActivationSoftmax)) {
            throw new KerasImportException("the model's last layer, " + name(layer) + ", is not a Dense layer with a "
                    + "softmax activation: the platform imports classifiers whose output is one softmax over the "
                    + "classes");
        }
        long units = ((FeedForwardLayer) layer).getNOut();
        if (units != classes) {
            throw new KerasImportException("the model's output, " + name(layer) + ", has " + units
                    + " units but there are " + classes + " classes");
        }
        if (!(layer instanceof DenseLayer dense)) {
            return layer;
        }
        changes.outputMade = true;
        OutputLayer.Builder builder = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT);
        builder.nIn(dense.getNIn()).nOut(dense.getNOut()).activation(new ActivationSoftmax())
                .hasBias(dense.hasBias()).name(dense.getLayerName());
        // a layer built apart from a configuration gets none of its defaults: take the dense layer's
        builder.weightInit(dense.getWeightInitFn()).biasInit(dense.getBiasInit())
                .updater(dense.getIUpdater()).biasUpdater(dense.getBiasUpdater())
                .regularization(dense.getRegularization()).regularizationBias(dense.getRegularizationBias())
                .gradientNormalization(GradientNormalization.None);
        return builder.build();
    }

    /**
     * Copies a layer's parameters by name; {@code order}, when given, is the channels-last flatten the layer reads: a
     * dense kernel's rows and a batch normalization's per-value parameters are put in channels-first order.
     */
    private static void copy(Map<String, INDArray> source, Map<String, INDArray> target, long[] order, Layer layer) {
        for (Map.Entry<String, INDArray> entry : target.entrySet()) {
            INDArray value = source.get(entry.getKey());
            if (value == null || !Arrays.equals(value.shape(), entry.getValue().shape())) {
                throw new KerasImportException("layer " + name(layer) + "'s parameter " + entry.getKey()
                        + " does not match after conversion");
            }
            if (order != null && layer instanceof BatchNormalization) {
                value = channelsFirstRows(value.reshape('c', value.length(), 1), order).reshape('c', value.shape());
            } else if (order != null && entry.getKey().equals("W")) {
                value = channelsFirstRows(value, order);
            }
            entry.getValue().assign(value);
        }
    }

    /** A dense kernel whose rows follow (row, column, channel), with its rows put in (channel, row, column) order. */
    static INDArray channelsFirstRows(INDArray kernel, long[] hwc) {
        long columns = kernel.size(1);
        return kernel.reshape('c', hwc[0], hwc[1], hwc[2], columns).permute(2, 0, 1, 3).dup('c')
                .reshape('c', hwc[0] * hwc[1] * hwc[2], columns);
    }

    private static String name(Layer layer) {
        return layer.getLayerName() == null ? "(unnamed)" : "'" + layer.getLayerName() + "'";
    }

    /** What the conversion changed, said once at the end. */
    private static final class Changes {

        private final InputLayout layout;
        private final List<String> reordered = new ArrayList<>();
        private boolean flattenedRows;
        private boolean outputMade;

        Changes(InputLayout layout) {
            this.layout = layout;
        }

        String sentence() {
            List<String> said = new ArrayList<>();
            if (layout == InputLayout.IMAGE) {
                said.add("every convolutional layer computes channels-first ([N, 1, 28, 28]) instead of Keras's "
                        + "channels-last");
            }
            if (flattenedRows) {
                said.add("its [28, 28] input flattened row by row, as Keras's Flatten does");
            }
            if (!reordered.isEmpty()) {
                said.add("the weight rows of " + String.join(", ", reordered) + " reordered from (row, column, "
                        + "channel) to (channel, row, column) to match");
            }
            said.add(outputMade ? "its last Dense layer made an output layer with the cross-entropy loss"
                    : "its output layer kept");
            return String.join("; ", said);
        }
    }
}
