package dev.fmnist.training;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Measures a training batch's accuracy and cross-entropy from the forward pass DL4J already does inside
 * {@code fit}, as Keras reports its running training metrics, instead of paying for a second forward pass.
 * DL4J hands listeners the activations up to the output layer's input; the output layer itself (a small
 * dense layer) is evaluated here. Networks whose output layer is not dense report no batch metrics.
 */
final class BatchProbe extends BaseTrainingListener {

    private double loss = Double.NaN;
    private int correct = -1;

    /** Clears the previous batch's result; call before each {@code fit}. */
    void reset() {
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
        if (!(model instanceof MultiLayerNetwork network) || network.getLabels() == null) {
            return;
        }
        Layer output = network.getOutputLayer();
        INDArray weights = output.getParam("W");
        INDArray bias = output.getParam("b");
        if (weights == null || bias == null || weights.rank() != 2) {
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray input = activations.get(activations.size() - 1);
            InputPreProcessor preProcessor =
                    network.getLayerWiseConfigurations().getInputPreProcess(network.getnLayers() - 1);
            if (preProcessor != null) {
                input = preProcessor.preProcess(input, (int) input.size(0), LayerWorkspaceMgr.noWorkspaces());
            }
            if (input.rank() != 2 || input.size(1) != weights.size(0)) {
                return;
            }
            INDArray labels = network.getLabels();
            INDArray logits = input.castTo(weights.dataType()).mmul(weights).addiRowVector(bias);
            // Cross-entropy through log-sum-exp: log(softmax) underflows to -Infinity for confident
            // predictions, and 0 * -Infinity would turn the loss into NaN.
            INDArray shifted = logits.subColumnVector(logits.max(1));
            INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(1), false);
            INDArray picked = shifted.mul(labels).sum(1);
            loss = logSumExp.subi(picked).meanNumber().doubleValue();
            INDArray predicted = Nd4j.argMax(logits, 1);
            INDArray truth = Nd4j.argMax(labels, 1);
            correct = predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().intValue();
        }
    }
}
