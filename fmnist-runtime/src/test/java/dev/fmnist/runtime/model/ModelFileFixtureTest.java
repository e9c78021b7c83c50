package dev.fmnist.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.runtime.predict.Predictor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Model files written by earlier releases keep loading and answering: one fixture per model format, written
 * by {@link FixtureWriter} with the release named in its file name. Never regenerate an existing fixture;
 * add one when the format changes.
 */
@Tag("dataset")
class ModelFileFixtureTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ModelFileFixtureTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void formatOneFromRelease010LoadsAndClassifiesTheTestImages() throws URISyntaxException {
        Path file = fixture("model-format-1-fmnist-0.1.0.zip");
        ModelManifest manifest = ModelFile.manifest(file);
        assertThat(manifest.formatVersion()).isEqualTo(1);
        assertThat(manifest.platformVersion()).startsWith("0.1.0");
        assertThat(manifest.dl4jVersion()).isEqualTo("1.0.0-M2.1");
        assertThat(manifest.modelId()).isEqualTo("fixture-mlp");
        assertThat(manifest.inputLayout()).isEqualTo(InputLayout.FLAT);
        assertThat(manifest.normalization().kind()).isEqualTo(Normalization.Kind.STANDARDIZE);
        assertThat(manifest.classNames()).hasSize(10).startsWith("T-shirt/top", "Trouser");

        LabelledImages test = RealDataset.get().dataset().testImages().subset(IntStream.range(0, 2000).toArray());
        double accuracy = Predictor.load(file).predictions(test).accuracy();
        assertThat(accuracy).as("3 epochs on 3,000 images scored about 0.78 when written").isGreaterThan(0.72);
    }

    @Test
    void formatTwoFromRelease010IsAGraphThatLoadsAndClassifiesTheTestImages() throws URISyntaxException {
        Path file = fixture("model-format-2-fmnist-0.1.0.zip");
        ModelManifest manifest = ModelFile.manifest(file);
        assertThat(manifest.formatVersion()).isEqualTo(2);
        assertThat(manifest.network()).isEqualTo(Network.Kind.GRAPH);
        assertThat(manifest.modelId()).isEqualTo("fixture-residual");
        assertThat(manifest.inputLayout()).isEqualTo(InputLayout.IMAGE);

        Predictor predictor = Predictor.load(file);
        assertThat(predictor.network().kind()).isEqualTo(Network.Kind.GRAPH);
        LabelledImages test = RealDataset.get().dataset().testImages().subset(IntStream.range(0, 2000).toArray());
        assertThat(predictor.predictions(test).accuracy()).as("scored 0.81 when written").isGreaterThan(0.75);
    }
}
