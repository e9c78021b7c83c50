package dev.fmnist.models.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.ImageShape;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Networks;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInitRelu;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/** The SPI's {@link Networks}, which the built-ins build on (tested here: it needs an ND4J backend). */
class NetworksTest {

    private static ModelSpec spec(Map<String, String> values) {
        return new ModelSpec(10, ImageShape.FASHION_MNIST, 7, Hyperparameters.of(values));
    }

    @Test
    void theConvolutionalBaseCarriesTheSeedOptimizerInitializationPaddingAndWeightDecay() {
        NeuralNetConfiguration.Builder base = Networks.convolutionalBase(spec(Map.of("learning-rate", "0.002",
                "weight-decay", "0.0005")));
        var conf = base.list().layer(new DenseLayer.Builder().nIn(4).nOut(4).build())
                .layer(new OutputLayer.Builder().nIn(4).nOut(2).build()).build();
        DenseLayer dense = (DenseLayer) conf.getConf(0).getLayer();
        assertThat(conf.getConf(0).getSeed()).isEqualTo(7);
        assertThat(dense.getIUpdater()).isInstanceOf(Adam.class);
        assertThat(((Adam) dense.getIUpdater()).getLearningRate()).isEqualTo(0.002);
        assertThat(dense.getWeightInitFn()).isInstanceOf(WeightInitRelu.class);
        // DL4J lists it twice here (ModelBuilder keeps it once: BuiltinPluginsTest)
        assertThat(dense.getRegularization()).isNotEmpty().allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(
                WeightDecay.class, decay -> assertThat(decay.isApplyLR()).isTrue()));
        assertThat(base.getConvolutionMode()).isEqualTo(ConvolutionMode.Same);

        var plain = Networks.convolutionalBase(spec(Map.of("learning-rate", "0.002"))).list()
                .layer(new OutputLayer.Builder().nIn(4).nOut(2).build()).build();
        assertThat(((OutputLayer) plain.getConf(0).getLayer()).getRegularization()).isEmpty();
    }

    @Test
    void dropoutKeysAreTheProbabilityToDropAndEachCallMakesItsOwnObject() {
        Hyperparameters h = Hyperparameters.of(Map.of("dropout", "0.25", "none", "0"));
        assertThat(Networks.dropout(h, "dropout")).isInstanceOfSatisfying(Dropout.class,
                d -> assertThat(d.getP()).isEqualTo(0.75));
        assertThat(Networks.dropout(h, "dropout")).isNotSameAs(Networks.dropout(h, "dropout"));
        assertThat(Networks.dropout(h, "none")).isNull();
        assertThat(Networks.dropoutLayer(h, "dropout").getIDropout()).isInstanceOf(Dropout.class)
                .isNotSameAs(Networks.dropoutLayer(h, "dropout").getIDropout());
        assertThat(Networks.dropoutLayer(h, "none").getIDropout()).isNull();
    }
}
