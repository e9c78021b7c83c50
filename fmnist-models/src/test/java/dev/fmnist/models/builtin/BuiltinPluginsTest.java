package dev.fmnist.models.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.InputLayout;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.ModelException;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.RegisteredPlugin;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuiltinPluginsTest {

    private final ModelRegistry registry = new ModelRegistry(Optional.empty());

    private long parameters(String id) {
        return ModelBuilder.build(registry.get(id), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of()).network().numParams();
    }

    @Test
    void theBuiltInModelsAreFoundThroughServiceLoader() {
        assertThat(registry.plugins()).extracting(RegisteredPlugin::id).containsExactly("mlp", "cnn", "deep-cnn", "vgg",
                "resnet");
        assertThat(registry.plugins()).allSatisfy(p -> assertThat(p.origin()).isEqualTo("built in"));
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void parameterCounts() {
        // mlp: 784*128+128 + 128*64+64 + 64*10+10, the seed's Keras summary.
        assertThat(parameters("mlp")).isEqualTo(109_386);
        // cnn: conv 3*3*32+32 = 320; dense 13*13*32*128+128 = 692,352; output 128*10+10 = 1,290.
        assertThat(parameters("cnn")).isEqualTo(693_962);
        // deep-cnn: convs 320, 9,248, 18,496, 36,928 + their BNs 4*(32+32+64+64); dense 7*7*64*128+128 + BN 4*128;
        // output 128*10+10.
        assertThat(parameters("deep-cnn")).isEqualTo(320 + 9_248 + 18_496 + 36_928 + 768 + 401_536 + 512 + 1_290);
        // vgg: convs 320, 9,248, 18,496, 36,928 + their BNs 4*(32+32+64+64); dense 7*7*64*256+256 + BN 4*256; output 2,570.
        assertThat(parameters("vgg")).isEqualTo(320 + 9_248 + 18_496 + 36_928 + 768 + 803_072 + 1_024 + 2_570);
        // resnet: ResNet-20 of the paper's CIFAR experiments, 0.27M parameters.
        assertThat(parameters("resnet")).isEqualTo(273_370)
                .isEqualTo(ModelBuilder.parameterCount(registry.get("resnet"), 10, dev.fmnist.api.ImageShape.FASHION_MNIST));
    }

    @Test
    void resnetIsAGraphWhoseDepthAndWidthAreHyperparameters() {
        BuiltModel resnet20 = ModelBuilder.build(registry.get("resnet"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST,
                Map.of());
        assertThat(resnet20.network().kind()).isEqualTo(dev.fmnist.runtime.model.Network.Kind.GRAPH);
        // 3 stages x 3 blocks x 2 convolutions + the stem = 19 convolutions (+ the output: 20 weighted layers),
        // and the 1x1 projections of stages 2 and 3.
        assertThat(java.util.Arrays.stream(resnet20.network().layers()).filter(layer -> layer.conf().getLayer()
                instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer).count()).isEqualTo(19 + 2);
        // 2 blocks per stage, convolutions without bias, BN 4 per channel: stem 9*16; stage 1: 2 x (BN 64 + 16*9*16
        // + BN 64 + 16*9*16); stage 2: (BN 64 + 16*9*32 + BN 128 + 32*9*32 + projection 16*32) + (BN 128 + 32*9*32
        // + BN 128 + 32*9*32); stage 3 likewise at 64; final BN 256; output 64*10+10.
        assertThat(ModelBuilder.build(registry.get("resnet"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST,
                Map.of("blocks", "2")).network().numParams())
                .isEqualTo(144 + 2 * 4_736 + (14_528 + 18_688) + (57_728 + 74_240) + 256 + 650);
        assertThat(ModelBuilder.build(registry.get("resnet"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST,
                Map.of("blocks", "2", "width", "32")).network().numParams())
                .as("twice the width, about four times the weights").isEqualTo(697_514);
    }

    /**
     * DL4J 1.0.0-M2.1 lists a network-wide weight decay twice in each layer (applied twice per step); a network the
     * platform builds has it once, at the declared coefficient, in a layer stack and in a graph.
     */
    @Test
    void weightDecayIsAppliedOnceAtTheDeclaredCoefficient() {
        for (String id : new String[] {"deep-cnn", "resnet"}) {
            BuiltModel built = ModelBuilder.build(registry.get(id), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST,
                    Map.of("weight-decay", "0.0003"));
            for (org.deeplearning4j.nn.api.Layer layer : built.network().layers()) {
                if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv) {
                    assertThat(conv.getRegularization()).as("%s %s", id, conv.getLayerName()).singleElement()
                            .isEqualTo(new org.nd4j.linalg.learning.regularization.WeightDecay(0.0003, true));
                }
            }
        }
    }

    @Test
    void layouts() {
        assertThat(registry.get("mlp").plugin().inputLayout()).isEqualTo(InputLayout.FLAT);
        assertThat(registry.get("cnn").plugin().inputLayout()).isEqualTo(InputLayout.IMAGE);
        assertThat(registry.get("deep-cnn").plugin().inputLayout()).isEqualTo(InputLayout.IMAGE);
        assertThat(registry.get("vgg").plugin().inputLayout()).isEqualTo(InputLayout.IMAGE);
        assertThat(registry.get("resnet").plugin().inputLayout()).isEqualTo(InputLayout.IMAGE);
    }

    @Test
    void overridesApplyAndWidthChangesTheNetwork() {
        BuiltModel wide = ModelBuilder.build(registry.get("mlp"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of("width", "256", "learning-rate", "0.01"));
        assertThat(wide.hyperparameters().values()).containsEntry("width", "256").containsEntry("learning-rate", "0.01");
        assertThat(wide.network().numParams()).isEqualTo(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    }

    @Test
    void unknownHyperparameterNamesThePluginAndWhatItAccepts() {
        assertThatThrownBy(() -> ModelBuilder.build(registry.get("cnn"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of("momentum", "0.9")))
                .isInstanceOf(ModelException.class)
                .hasMessage("model 'cnn' (built in) has no hyperparameter 'momentum'; it accepts: augment, "
                        + "average, batch-size, dropout, epochs, filters, l2, label-smoothing, learning-rate, lr-decay, optimizer, "
                        + "snapshots, teacher, teacher-temperature, teacher-weight, width");
    }

    @Test
    void badHyperparameterValuesAreClearErrors() {
        assertThatThrownBy(() -> ModelBuilder.build(registry.get("mlp"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of("learning-rate", "fast")))
                .isInstanceOf(ModelException.class)
                .hasMessage("model 'mlp' (built in): hyperparameter 'learning-rate' = 'fast' is not a finite number");
        assertThatThrownBy(() -> ModelBuilder.build(registry.get("mlp"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of("optimizer", "lbfgs")))
                .hasMessageContaining("'optimizer' = 'lbfgs' is not one of adam, sgd, nesterovs, rmsprop");
        assertThatThrownBy(() -> ModelBuilder.build(registry.get("deep-cnn"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of("dropout", "1.5")))
                .hasMessageContaining("'dropout' = 1.5 must be in [0, 1)");
    }

    @Test
    void deepCnnWarmsUpThenAnnealsOverTheRunsEpochs() {
        var conf = ModelBuilder.build(registry.get("deep-cnn"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST,
                Map.of("epochs", "20")).network().layers()[0].conf().getLayer();
        var updater = (org.nd4j.linalg.learning.config.Adam) ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf)
                .getIUpdater();
        assertThat(updater.getLearningRate(0, 0)).as("the warm-up epoch").isCloseTo(0.003, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(updater.getLearningRate(0, 1)).isCloseTo(0.003, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(updater.getLearningRate(0, 10)).as("half-way through the run's 20 epochs")
                .isCloseTo(0.0015 * (1 + Math.cos(Math.PI * 9 / 19)), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(updater.getLearningRate(0, 20)).isZero();
        assertThatThrownBy(() -> ModelBuilder.build(registry.get("deep-cnn"), 42, 10, dev.fmnist.api.ImageShape.FASHION_MNIST,
                Map.of("augment", "rotate")))
                .hasMessageContaining("unknown augmentation 'rotate'");
    }

    @Test
    void unknownModelListsTheAvailableOnes() {
        assertThatThrownBy(() -> registry.get("densenet"))
                .isInstanceOf(ModelException.class)
                .hasMessage("unknown model 'densenet'; available: mlp, cnn, deep-cnn, vgg, resnet");
    }
}
