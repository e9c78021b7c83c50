package dev.fmnist.training;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Measures a training batch's accuracy and cross-entropy from the forward pass DL4J already does inside
 * {@code fit}, as Keras reports its running training metrics, instead of paying for a second forward pass.
 * DL4J hands listeners the activations up to the output layer's input (a layer stack's as a list, a graph's
 * by vertex name); the output layer itself (a small dense layer) is evaluated here. Networks whose output
 * layer is not dense report no batch metrics.
 */
final class BatchProbe extends BaseTrainingListener {

    private INDArray labels;
    private double loss = Double.NaN;
    private int correct = -1;

    /** Clears the previous batch's result; call before each {@code fit} with the batch's labels. */
    void reset(INDArray labels) {
        this.labels = labels;
        loss = Double.NaN;
        correct = -1;
    }

    boolean measured() {
        return correct >= 0;
    }

    double loss() {
        return loss;
    }

    int correct() {
        return correct;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        if (model instanceof MultiLayerNetwork network && !activations.isEmpty()) {
            measure(network.getOutputLayer(), activations.get(activations.size() - 1),
                    network.getLayerWiseConfigurations().getInputPreProcess(network.getnLayers() - 1));
        }
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (!(model instanceof ComputationGraph graph)) {
            return;
        }
        ComputationGraphConfiguration conf = graph.getConfiguration();
        String output = conf.getNetworkOutputs().get(0);
        List<String> inputs = conf.getVertexInputs().get(output);
        if (inputs == null || inputs.size() != 1 || !activations.containsKey(inputs.get(0))
                || !(conf.getVertices().get(output) instanceof LayerVertex vertex)) {
            return;
        }
        measure(graph.getLayer(output), activations.get(inputs.get(0)), vertex.getPreProcessor());
    }

    private void measure(Layer output, INDArray input, InputPreProcessor preProcessor) {
        INDArray weights = output.getParam("W");
        INDArray bias = output.getParam("b");
        if (labels == null || weights == null || bias == null || weights.rank() != 2) {
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (preProcessor != null) {
                input = preProcessor.preProcess(input, (int) input.size(0), LayerWorkspaceMgr.noWorkspaces());
            }
            if (input.rank() != 2 || input.size(1) != weights.size(0) || input.size(0) != labels.size(0)) {
                return;
            }
            INDArray logits = input.castTo(weights.dataType()).mmul(weights).addiRowVector(bias);
            // Cross-entropy through log-sum-exp: log(softmax) underflows to -Infinity for confident
            // predictions, and 0 * -Infinity would turn the loss into NaN.
            INDArray shifted = logits.subColumnVector(logits.max(1));
            INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(1), false);
            INDArray picked = shifted.mul(labels.castTo(shifted.dataType())).sum(1);
            loss = logSumExp.subi(picked).meanNumber().doubleValue();
            INDArray predicted = Nd4j.argMax(logits, 1);
            INDArray truth = Nd4j.argMax(labels, 1);
            correct = predicted.eq(truth).castTo(DataType.INT).sumNumber().intValue();
        }
    }
}
