package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.InputLayout;
import dev.fmnist.data.RealDataset;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The deep-cnn (convolution, pooling and batch normalization, all on oneDNN helpers) trained on the real
 * data with helpers on and off: both learn equally well, and a model trained with helpers is an ordinary
 * DL4J model that predicts the same with them off.
 */
@Tag("dataset")
class LayerHelpersTrainingTest {

    @TempDir
    static Path runs;

    private static boolean wasEnabled;
    private static RunSummary withHelpers;
    private static RunSummary withoutHelpers;

    @BeforeAll
    static void trainBothWays() {
        wasEnabled = LayerHelpers.enabled();
        withHelpers = train(true);
        withoutHelpers = train(false);
    }

    @AfterAll
    static void restore() {
        LayerHelpers.enable(wasEnabled);
    }

    @Test
    void helpersOnAndOffReachTheSameAccuracyBand() {
        // Two epochs on 3,000 images reach about 80% on the 10,000 test images either way; the paths round
        // differently, so the runs drift apart a little, not more than a point or two.
        assertThat(withHelpers.testAccuracy()).isGreaterThan(0.7);
        assertThat(withoutHelpers.testAccuracy()).isGreaterThan(0.7);
        assertThat(Math.abs(withHelpers.testAccuracy() - withoutHelpers.testAccuracy())).isLessThan(0.03);
    }

    @Test
    void aModelTrainedWithHelpersPredictsTheSameWithThemOff() {
        Path model = new RunDirectory(runs.resolve("on")).bestModel();
        LayerHelpers.enable(true);
        SavedModel on = ModelFile.load(model, false);
        LayerHelpers.enable(false);
        SavedModel off = ModelFile.load(model, false);
        assertThat(LayerHelpers.activeIn(on.network().model())).as("4 convolutions, 5 batch norms, 2 poolings").hasSize(11);
        assertThat(LayerHelpers.activeIn(off.network().model())).isEmpty();

        INDArray images = ImageBatchIterator.sequential(RealDataset.get().split().test(), InputLayout.IMAGE,
                on.manifest().normalization(), 500).next().getFeatures();
        INDArray expected = off.network().output(images);
        INDArray actual = on.network().output(images);
        assertThat(actual.argMax(1)).isEqualTo(expected.argMax(1));
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-4);
    }

    private static RunSummary train(boolean helpers) {
        LayerHelpers.enable(helpers);
        // The deep-cnn's layers at a quarter of its width: the same helpers, a few times less arithmetic.
        return Engines.engine(runs).train(TrainingRequest.of("deep-cnn").withLimit(3000).withEpochs(2)
                .withOverrides(Map.of("filters", "8", "width", "32", "augment", "none"))
                .withRunDir(runs.resolve(helpers ? "on" : "off")));
    }
}
