package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The training speed-ups go on and come off together: a step runs with all three (the helpers' passes counted, the
 * ReLUs' stand-in in place), DL4J's ReLUs
 * are in place between steps and after a step that throws, and closing puts oneDNN's helpers back; a copy keeps them.
 */
@ExtendWith(HelpersOn.class)
class TrainingPassesTest {

    private static final INDArray FEATURES = Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10);
    private static final INDArray LABELS = Nd4j.eye(4).repeat(0, 2).castTo(DataType.FLOAT);

    @Test
    void aStepRunsWithEverySpeedUpAndClosingPutsDl4jsBack() {
        MultiLayerNetwork network = network();
        Object oneDnnConv = network.getLayer(0).getHelper();
        Object oneDnnBatchNorm = network.getLayer(1).getHelper();
        TrainingPasses passes = TrainingPasses.install(network);
        assertThat(network.getLayer(0).getHelper()).isInstanceOf(FirstLayerGradients.WeightGradientsOnly.class);
        assertThat(network.getLayer(1).getHelper()).isInstanceOf(LeanBatchNorm.Helper.class);
        FirstLayerGradients.WeightGradientsOnly firstLayer =
                (FirstLayerGradients.WeightGradientsOnly) network.getLayer(0).getHelper();
        LeanBatchNorm.Helper batchNorm = (LeanBatchNorm.Helper) network.getLayer(1).getHelper();
        assertThat(activation(network)).isExactlyInstanceOf(ActivationReLU.class);

        IActivation during = passes.step(() -> {
            network.fit(FEATURES, LABELS);
            return activation(network);
        });
        assertThat(during).isInstanceOf(ReluBackprop.StepRelu.class);
        assertThat(firstLayer.backprops()).isEqualTo(1);
        assertThat(batchNorm.backwards()).isEqualTo(1);
        assertThat(activation(network)).as("between steps").isExactlyInstanceOf(ActivationReLU.class);

        assertThatThrownBy(() -> passes.step(() -> {
            throw new IllegalStateException("a failing step");
        })).hasMessage("a failing step");
        assertThat(activation(network)).as("after a failing step").isExactlyInstanceOf(ActivationReLU.class);

        passes.close();
        assertThat(network.getLayer(0).getHelper()).isInstanceOf(MKLDNNConvHelper.class).isSameAs(oneDnnConv);
        assertThat(network.getLayer(1).getHelper()).isInstanceOf(MKLDNNBatchNormHelper.class).isSameAs(oneDnnBatchNorm);
        assertThat(network.getLayerWiseConfigurations().toJson()).doesNotContain("StepRelu");
    }

    @Test
    void aCopyKeepsItsSpeedUpsForGood() {
        MultiLayerNetwork copy = network();
        TrainingPasses.installForGood(copy);
        copy.fit(FEATURES, LABELS);
        assertThat(activation(copy)).isInstanceOf(ReluBackprop.StepRelu.class);
        assertThat(((FirstLayerGradients.WeightGradientsOnly) copy.getLayer(0).getHelper()).backprops()).isEqualTo(1);
        assertThat(((LeanBatchNorm.Helper) copy.getLayer(1).getHelper()).backwards()).isEqualTo(1);
    }

    private static IActivation activation(MultiLayerNetwork network) {
        return ((ActivationLayer) network.getLayer(2).conf().getLayer()).getActivationFn();
    }

    private static MultiLayerNetwork network() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .updater(new Nesterovs(0.05, 0.9)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(10, 10, 1)).build());
        network.init();
        return network;
    }
}
