package dev.fmnist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.api.training.EpochMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiValuesTest {

    @Test
    @SuppressWarnings("removal")
    void theDeprecatedCompatibilityCheckStillAnswersAsTheReasonDoes() {
        assertThat(ApiVersion.compatible(ApiVersion.current())).isTrue();
        assertThat(ApiVersion.compatible("0.1.0")).as("minors only add").isTrue();
        assertThat(ApiVersion.compatible("9.0.0")).isFalse();
        assertThat(ApiVersion.compatible("not-a-version")).isFalse();
    }

    @Test
    void checkedGettersSayWhichRuleAValueBreaks() {
        Hyperparameters h = Hyperparameters.of(Map.of("lr", "-0.1", "dropout", "1.0", "width", "0", "opt", "adagrad",
                "l2", "-1", "ok", "0.5"));
        assertThatThrownBy(() -> h.positive("lr")).hasMessage("hyperparameter 'lr' = -0.1 must be positive");
        assertThatThrownBy(() -> h.fraction("dropout")).hasMessage("hyperparameter 'dropout' = 1.0 must be in [0, 1)");
        assertThatThrownBy(() -> h.intInRange("width", 1, 8192)).hasMessage("hyperparameter 'width' = 0 must be in 1..8192");
        assertThatThrownBy(() -> h.oneOf("opt", "adam", "sgd"))
                .hasMessage("hyperparameter 'opt' = 'adagrad' is not one of adam, sgd");
        assertThatThrownBy(() -> h.nonNegative("l2")).hasMessage("hyperparameter 'l2' = -1.0 must not be negative");
        assertThat(h.fraction("ok")).isEqualTo(0.5);
        assertThat(h.has("ok")).isTrue();
        assertThat(h.has("missing")).isFalse();
    }

    @Test
    void theSharedOptimizerRefusesANegativeRateAndDecaysPerEpoch() {
        assertThatThrownBy(() -> Optimizers.of(Hyperparameters.of(Map.of("learning-rate", "-0.001"))))
                .hasMessage("hyperparameter 'learning-rate' = -0.001 must be positive");
        assertThat(Optimizers.of(Hyperparameters.of(Map.of("learning-rate", "0.01"))))
                .isInstanceOf(org.nd4j.linalg.learning.config.Adam.class)
                .satisfies(u -> assertThat(u.getLearningRate(0, 0)).isEqualTo(0.01));
        var sgd = Optimizers.of(Hyperparameters.of(Map.of("learning-rate", "0.1", "optimizer", "sgd", "lr-decay", "0.5")));
        assertThat(sgd).isInstanceOf(org.nd4j.linalg.learning.config.Sgd.class);
        assertThat(sgd.getLearningRate(0, 2)).as("after two epochs").isCloseTo(0.025, org.assertj.core.data.Offset.offset(1e-12));
        assertThatThrownBy(() -> Optimizers.of(Hyperparameters.of(Map.of("learning-rate", "0.1", "lr-decay", "2"))))
                .hasMessage("hyperparameter 'lr-decay' = 2.0 must be in (0, 1]");
    }

    @Test
    void batchShapesPerLayout() {
        assertThat(InputLayout.FLAT.batchShape(32, ImageShape.FASHION_MNIST)).containsExactly(32, 784);
        assertThat(InputLayout.IMAGE.batchShape(32, ImageShape.FASHION_MNIST)).containsExactly(32, 1, 28, 28);
    }

    @Test
    void hyperparametersNameTheBadKey() {
        Hyperparameters values = Hyperparameters.of(Map.of("learning-rate", "0.01", "width", "wide", "dropout", "NaN"));
        assertThat(values.doubleValue("learning-rate")).isEqualTo(0.01);
        assertThatThrownBy(() -> values.intValue("width"))
                .hasMessage("hyperparameter 'width' = 'wide' is not a whole number");
        assertThatThrownBy(() -> values.doubleValue("dropout"))
                .hasMessage("hyperparameter 'dropout' = 'NaN' is not a finite number");
        assertThatThrownBy(() -> values.string("l2"))
                .hasMessage("hyperparameter 'l2' is not set; known: [dropout, learning-rate, width]");
    }

    @Test
    void labelledImagesCheckTheirArrays() {
        ImageShape shape = new ImageShape(1, 2, 2);
        assertThatThrownBy(() -> new LabelledImages(shape, new byte[7], new byte[2], List.of("a", "b")))
                .hasMessage("2 labels but 7 pixel bytes for 1x2x2 images");
        assertThatThrownBy(() -> new LabelledImages(shape, new byte[8], new byte[] {0, 2}, List.of("a", "b")))
                .hasMessage("label 2 of image 1 is outside the 2 classes");
        LabelledImages images = new LabelledImages(shape, new byte[] {1, 2, 3, 4, (byte) 250, 6, 7, 8},
                new byte[] {1, 0}, List.of("a", "b"));
        assertThat(images.pixel(1, 0)).isEqualTo(250);
        assertThat(images.classCounts()).containsExactly(1, 1);
        LabelledImages swapped = images.subset(new int[] {1, 0});
        assertThat(swapped.label(0)).isZero();
        assertThat(swapped.pixel(1, 3)).isEqualTo(4);
    }

    @Test
    void epochMetricsByMonitoredName() {
        EpochMetrics metrics = new EpochMetrics(3, 0.5, 0.8, 0.6, 0.78, 0.001, 1000, 5000);
        assertThat(metrics.metric("val_loss")).isEqualTo(0.6);
        assertThat(metrics.metric("val_accuracy")).isEqualTo(0.78);
        assertThatThrownBy(() -> metrics.metric("f1")).hasMessageContaining("unknown metric 'f1'");
    }
}
