package dev.fmnist.keras;

import dev.fmnist.api.InputLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
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
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            InputPreProcessor pre = preprocessor(conf.getInputPreProcess(i), i == 0, name(layer), changes, reordered,
                    Integer.toString(i));
            if (pre == null) {
                conf.getInputPreProcessors().remove(i);
            } else {
                conf.getInputPreProcessors().put(i, pre);
            }
            channelsFirst(layer);
        }
        int last = conf.getConfs().size() - 1;
        if (conf.getConf(last).getLayer() instanceof LossLayer && last > 0) {
            conf.getConfs().remove(last);
            conf.getInputPreProcessors().remove(last);
            last--;
        }
        Layer output = conf.getConf(last).getLayer();
        conf.getConf(last).setLayer(output(output, classes, changes));
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        for (int i = 0; i < network.getnLayers(); i++) {
            copy(imported.getLayer(i).paramTable(), network.getLayer(i).paramTable(), reordered.get(Integer.toString(i)),
                    conf.getConf(i).getLayer());
        }
        return network;
    }

    private static ComputationGraph graph(ComputationGraph imported, Changes changes, int classes) {
        ComputationGraphConfiguration conf = imported.getConfiguration().clone();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new KerasImportException("the model has " + conf.getNetworkInputs().size() + " inputs and "
                    + conf.getNetworkOutputs().size() + " outputs: the platform imports models of one image to one "
                    + "set of class probabilities");
        }
        String input = conf.getNetworkInputs().get(0);
        Map<String, long[]> reordered = new HashMap<>();
        Map<String, long[]> flattenedBy = new HashMap<>();
        // which vertices output images (rank 4) rather than vectors: a concatenation's axis depends on it
        Set<String> images = new LinkedHashSet<>();
        if (changes.layout == InputLayout.IMAGE) {
            images.add(input);
        }
        for (String name : imported.getConfiguration().getTopologicalOrderStr()) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex == null) {
                continue; // the input
            }
            List<String> inputs = conf.getVertexInputs().get(name);
            boolean imageIn = inputs.stream().anyMatch(images::contains);
            if (vertex instanceof LayerVertex layerVertex) {
                Layer layer = layerVertex.getLayerConf().getLayer();
                InputPreProcessor pre = preprocessor(layerVertex.getPreProcessor(), inputs.contains(input), name(layer),
                        changes, reordered, name);
                layerVertex.setPreProcessor(pre);
                // a dense layer reading a Flatten of its own (a preprocessor vertex) takes that flatten's reordering
                inputs.stream().filter(flattenedBy::containsKey).findFirst().ifPresent(flatten -> {
                    if (!(layer instanceof FeedForwardLayer)) {
                        throw new KerasImportException("the model's flattened '" + flatten + "' feeds " + name(layer)
                                + ", which is not a Dense layer: the import cannot reorder what it reads");
                    }
                    reordered.put(name, flattenedBy.get(flatten));
                    changes.reordered.add(name(layer));
                });
                channelsFirst(layer);
                boolean flattens = pre instanceof CnnToFeedForwardPreProcessor || layer instanceof FeedForwardLayer
                        || layer instanceof GlobalPoolingLayer;
                if (imageIn && !flattens) {
                    images.add(name);
                }
            } else if (vertex instanceof PreprocessorVertex preprocessing) {
                Map<String, long[]> flatten = new HashMap<>();
                InputPreProcessor pre = preprocessor(preprocessing.getPreProcessor(), inputs.contains(input),
                        "'" + name + "'", new Changes(changes.layout), flatten, name);
                if (pre == null) {
                    // the importer's sequence flatten of a [28, 28] input: the input arrives flat, read it directly
                    changes.flattenedRows = true;
                    bypass(conf, name);
                    continue;
                }
                preprocessing.setPreProcessor(pre);
                if (flatten.containsKey(name)) {
                    flattenedBy.put(name, flatten.get(name));
                }
            } else if (vertex instanceof MergeVertex merge) {
                if (imageIn) {
                    merge.setMergeAxis(channelsFirstAxis(merge.getMergeAxis(), name));
                    images.add(name);
                }
            } else if (vertex instanceof ElementWiseVertex) {
                if (imageIn) {
                    images.add(name);
                }
            } else {
                throw new KerasImportException("the model's '" + name + "' became DL4J's "
                        + vertex.getClass().getSimpleName() + ", which the import cannot convert (it converts layers, "
                        + "Flatten, Add, Subtract, Multiply, Average, Maximum and Concatenate)");
            }
        }
        String outputName = conf.getNetworkOutputs().get(0);
        GraphVertex outputVertex = conf.getVertices().get(outputName);
        if (outputVertex instanceof LayerVertex loss && loss.getLayerConf().getLayer() instanceof LossLayer) {
            String before = conf.getVertexInputs().get(outputName).get(0);
            conf.getVertices().remove(outputName);
            conf.getVertexInputs().remove(outputName);
            conf.setNetworkOutputs(List.of(before));
            outputName = before;
            outputVertex = conf.getVertices().get(before);
        }
        if (!(outputVertex instanceof LayerVertex outputLayer)) {
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
     * The preprocessor a converted layer reads through: a channels-last flatten becomes a channels-first one (and its
     * layer's rows are marked for reordering), the importer's sequence flatten of a [28, 28] input goes (the input
     * arrives flat), and any other of the importer's own preprocessors is refused.
     */
    private static InputPreProcessor preprocessor(InputPreProcessor pre, boolean readsInput, String layer,
            Changes changes, Map<String, long[]> reordered, String key) {
        if (pre == null) {
            return null;
        }
        if (readsInput && pre.getClass().getSimpleName().equals(FLATTEN_SEQUENCE)) {
            changes.flattenedRows = true;
            return null;
        }
        if (pre instanceof CnnToFeedForwardPreProcessor flatten) {
            if (flatten.getFormat() == CNN2DFormat.NHWC && flatten.getNumChannels() > 1) {
                reordered.put(key, new long[] {flatten.getInputHeight(), flatten.getInputWidth(),
                        flatten.getNumChannels()});
                changes.reordered.add(layer);
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
                || layer instanceof ActivationLayer || layer instanceof LossLayer)) {
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
     * Keras's last Dense as a plain dense layer (and adds a loss layer when the file holds a training config).
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

    private static void copy(Map<String, INDArray> source, Map<String, INDArray> target, long[] reorderRows,
            Layer layer) {
        for (Map.Entry<String, INDArray> entry : target.entrySet()) {
            INDArray value = source.get(entry.getKey());
            if (value == null || !Arrays.equals(value.shape(), entry.getValue().shape())) {
                throw new KerasImportException("layer " + name(layer) + "'s parameter " + entry.getKey()
                        + " does not match after conversion");
            }
            entry.getValue().assign(reorderRows != null && entry.getKey().equals("W")
                    ? channelsFirstRows(value, reorderRows) : value);
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
