package dev.fmnist.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.FashionClass;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.data.batch.Tensors;
import dev.fmnist.data.source.LoadedDataset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("dataset")
class FashionMnistRealDataTest {

    private final FashionMnist data = RealDataset.get();

    @Test
    void loadsSixtyThousandAndTenThousandBalancedImages() {
        LoadedDataset loaded = data.dataset();
        assertThat(loaded.trainingImages().count()).isEqualTo(60_000);
        assertThat(loaded.testImages().count()).isEqualTo(10_000);
        assertThat(loaded.trainingImages().shape().toString()).isEqualTo("1x28x28");
        assertThat(loaded.trainingImages().classCounts()).containsOnly(6_000);
        assertThat(loaded.testImages().classCounts()).containsOnly(1_000);
        assertThat(loaded.allVerified()).as("the published checksums").isTrue();
    }

    @Test
    void firstTrainingImageIsAnAnkleBoot() {
        LabelledImages train = data.dataset().trainingImages();
        assertThat(FashionClass.ofLabel(train.label(0))).isEqualTo(FashionClass.ANKLE_BOOT);
        assertThat(train.classNames().get(9)).isEqualTo("Ankle boot");
    }

    @Test
    void scaledPixelsLieInTheUnitInterval() {
        INDArray features = Tensors.features(data.dataset().testImages(), InputLayout.FLAT, Normalization.scale());
        assertThat(features.shape()).containsExactly(10_000, 784);
        assertThat(features.minNumber().doubleValue()).isEqualTo(0.0);
        assertThat(features.maxNumber().doubleValue()).isEqualTo(1.0);
        // Fashion-MNIST's published mean pixel intensity is about 0.286 on the training set.
        // Per image first: one float32 sum over all 47M values drifts by 5% on a single OpenMP thread.
        double mean = Tensors.features(data.dataset().trainingImages(), InputLayout.FLAT, Normalization.scale())
                .mean(1).meanNumber().doubleValue();
        assertThat(mean).isBetween(0.28, 0.29);
    }

    @Test
    void defaultSplitIsStratifiedDisjointAndComplete() {
        SplitData split = data.split();
        assertThat(split.train().count()).isEqualTo(54_000);
        assertThat(split.validation().count()).isEqualTo(6_000);
        assertThat(split.validation().classCounts()).containsOnly(600);
        assertThat(split.train().classCounts()).containsOnly(5_400);
        assertThat(split.test().count()).isEqualTo(10_000);

        // Disjoint and complete: the split's images, as byte strings, re-form the training set.
        Set<String> seen = new HashSet<>();
        LabelledImages all = data.dataset().trainingImages();
        Set<String> original = new HashSet<>();
        for (int i = 0; i < all.count(); i++) {
            original.add(key(all, i));
        }
        for (LabelledImages part : new LabelledImages[] {split.train(), split.validation()}) {
            for (int i = 0; i < part.count(); i++) {
                seen.add(key(part, i));
            }
        }
        assertThat(seen).isEqualTo(original);
    }

    @Test
    void standardizationUsesTrainingStatistics() {
        Normalization normalization = Normalization.fit(Normalization.Kind.STANDARDIZE, data.split().train());
        assertThat(normalization.mean()).isBetween(0.28, 0.29);
        assertThat(normalization.std()).isBetween(0.35, 0.36);
        INDArray standardized = Tensors.features(data.split().train(), InputLayout.IMAGE, normalization);
        assertThat(standardized.meanNumber().doubleValue()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(standardized.stdNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    }

    private static String key(LabelledImages images, int index) {
        byte[] bytes = new byte[784];
        images.pixelBuffer().position(index * 784).get(bytes);
        return images.label(index) + ":" + Arrays.hashCode(bytes) + ":" + Arrays.toString(Arrays.copyOf(bytes, 784));
    }
}
