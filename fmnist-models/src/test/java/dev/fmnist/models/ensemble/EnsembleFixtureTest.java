package dev.fmnist.models.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.predict.Predictor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ensemble written in model format 3 by release 0.1.0 loads in this release and answers as one. */
class EnsembleFixtureTest {

    /** What the fixture answered for the test's image when it was written (flip-averaged, members weighted 2:1). */
    private static final float[] EXPECTED = {0.070016526f, 0.059860148f, 0.14774588f, 0.10346657f, 0.056802075f,
        0.088873416f, 0.15296185f, 0.05290997f, 0.13956848f, 0.12779513f};

    @Test
    void formatThreeFromRelease010IsAnEnsembleThatLoadsAndAnswers() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/fixtures/model-format-3-fmnist-0.1.0.zip").toURI());
        ModelManifest manifest = ModelFile.manifest(file);
        assertThat(manifest.formatVersion()).isEqualTo(3);
        assertThat(manifest.modelId()).isEqualTo("ensemble");
        assertThat(manifest.ensemble().members()).extracting(ModelManifest.Ensemble.Member::modelId)
                .containsExactly("cnn", "resnet");
        assertThat(manifest.ensemble().members()).extracting(ModelManifest.Ensemble.Member::weight)
                .containsExactly(2.0 / 3, 1.0 / 3);

        Predictor predictor = Predictor.load(file);
        assertThat(predictor.network().kind()).isEqualTo(Network.Kind.GRAPH);
        assertThat(predictor.flipAveraging()).isTrue();
        byte[] image = new byte[784];
        new Random(3).nextBytes(image);
        float[] probabilities = predictor.probabilities(predictor.encode(List.of(image)))[0];
        assertThat(probabilities).containsExactly(EXPECTED, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(predictor.network().embedding(predictor.encoder().batch(new float[784], 1)).length())
                .as("the cnn's dense layer: its first member's embedding").isEqualTo(16);
    }
}
