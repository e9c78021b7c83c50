package dev.fmnist.training.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.training.TrainingException;
import java.util.OptionalInt;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class TransferTest {

    @Test
    void aGraphKeepsEveryLayerButItsOutputAndLearnsANewOne() {
        Network.Graph parent = (Network.Graph) TestModels.residualGraph();
        parent.graph().init();
        INDArray stem = parent.graph().getLayer("stem").params().dup();
        INDArray dense = parent.graph().getLayer("dense").params().dup();

        Transfer.Adapted adapted = Transfer.adapt(parent, 3, true, OptionalInt.empty(), 0.01, 1);
        assertThat(adapted.frozenLayers()).as("stem, pool, block-a, block-b, dense").isEqualTo(5);
        ComputationGraph graph = ((Network.Graph) adapted.network()).graph();
        INDArray output = graph.getLayer("output").params().dup();
        DataSet batch = batch(new long[] {16, 1, 28, 28}, 3);
        for (int i = 0; i < 3; i++) {
            graph.fit(batch);
        }
        assertThat(graph.outputSingle(batch.getFeatures()).shape()).containsExactly(16, 3);
        assertThat(graph.getLayer("stem").params()).isEqualTo(stem);
        assertThat(graph.getLayer("dense").params()).isEqualTo(dense);
        assertThat(graph.getLayer("output").params()).isNotEqualTo(output);
    }

    @Test
    void freezeCountsTheFirstLayersOfAStack() {
        MultiLayerNetwork parent = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(20))
                .build());
        parent.init();
        INDArray first = parent.getLayer(0).params().dup();
        INDArray second = parent.getLayer(1).params().dup();

        Transfer.Adapted adapted = Transfer.adapt(new Network.Layers(parent), 4, true, OptionalInt.of(1), 0.01, 1);
        MultiLayerNetwork network = ((Network.Layers) adapted.network()).network();
        assertThat(adapted.frozenLayers()).isEqualTo(1);
        assertThat(network.getLayer(0)).isInstanceOf(FrozenLayer.class);
        assertThat(network.getLayer(1)).isNotInstanceOf(FrozenLayer.class);
        DataSet batch = batch(new long[] {32, 20}, 4);
        for (int i = 0; i < 3; i++) {
            network.fit(batch);
        }
        assertThat(network.output(batch.getFeatures()).shape()).containsExactly(32, 4);
        assertThat(network.getLayer(0).params()).isEqualTo(first);
        assertThat(network.getLayer(1).params()).as("not frozen: it learns").isNotEqualTo(second);

        assertThatThrownBy(() -> Transfer.adapt(new Network.Layers(parent), 4, true, OptionalInt.of(3), 0.01, 1))
                .isInstanceOf(TrainingException.class)
                .hasMessage("--freeze 3 is more layers than the model has before its output layer (2)");
    }

    @Test
    void aFineTunedNetworkIsThawedAndKeepsItsOutputLayerForTheSameClasses() {
        Network.Graph parent = (Network.Graph) TestModels.residualGraph();
        parent.graph().init();
        Network warm = Transfer.adapt(parent, 3, true, OptionalInt.empty(), 0.01, 1).network();
        ComputationGraph warmGraph = ((Network.Graph) warm).graph();
        DataSet batch = batch(new long[] {16, 1, 28, 28}, 3);
        warmGraph.fit(batch);
        INDArray head = warmGraph.getLayer("output").params().dup();
        INDArray stem = warmGraph.getLayer("stem").params().dup();

        Transfer.Adapted all = Transfer.adapt(warm, 3, false, OptionalInt.of(0), 0.01, 1);
        ComputationGraph graph = ((Network.Graph) all.network()).graph();
        assertThat(all.keptOutput()).isTrue();
        assertThat(graph.getLayer("output").params()).as("the warmed-up head, kept").isEqualTo(head);
        assertThat(graph.getLayer("stem")).isNotInstanceOf(FrozenLayer.class);
        assertThat(graph.getLayer("stem").params()).isEqualTo(stem);
        graph.fit(batch);
        assertThat(graph.getLayer("stem").params()).as("thawed: it learns").isNotEqualTo(stem);
    }

    private static DataSet batch(long[] shape, int classes) {
        INDArray features = Nd4j.rand(shape);
        INDArray labels = Nd4j.zeros(shape[0], classes);
        for (int i = 0; i < shape[0]; i++) {
            labels.putScalar(i, i % classes, 1.0);
        }
        return new DataSet(features, labels);
    }
}
