package dev.fmnist.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** {@link Network#copy}: what data parallelism's workers start from. */
class NetworkCopyTest {

    private static Network network(boolean graph) {
        if (graph) {
            ComputationGraph network = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
                    .updater(new Adam(0.01)).graphBuilder().addInputs("in")
                    .addLayer("hidden", new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build(), "in")
                    .addLayer("out", new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build(), "hidden")
                    .setOutputs("out").setInputTypes(InputType.feedForward(5)).build());
            network.init();
            return Network.of(network);
        }
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(5)).build());
        network.init();
        return Network.of(network);
    }

    @ParameterizedTest(name = "graph: {0}")
    @ValueSource(booleans = {false, true})
    void aCopyHasTheParametersStateAndCountersButNotTheListeners(boolean graph) {
        Network network = network(graph);
        TrainingListener listener = new BaseTrainingListener() {};
        network.setListeners(listener);
        INDArray labels = Nd4j.eye(4).getColumns(0, 1, 2).castTo(DataType.FLOAT);
        network.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 4, 5), labels));

        Network copy = network.copy();
        copy.setListeners(new BaseTrainingListener() {});

        assertThat(List.copyOf(network.model() instanceof ComputationGraph g ? g.getListeners()
                : ((MultiLayerNetwork) network.model()).getListeners()))
                .as("the original keeps its own").containsExactly(listener);
        assertThat(copy.model().params()).isEqualTo(network.model().params());
        assertThat(copy.updaterState()).isEqualTo(network.updaterState());
        assertThat(copy.updaterState().sumNumber().doubleValue()).isNotZero();
        copy.model().params().addi(1);
        assertThat(copy.model().params()).as("independent arrays").isNotEqualTo(network.model().params());
        copy.setCounts(7, 2);
        assertThat(copy.iterationCount()).isEqualTo(7);
        assertThat(copy.epochCount()).isEqualTo(2);
    }
}
