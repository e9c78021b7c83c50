package dev.fmnist.runtime.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Explanations of real models' answers on real test images: where the mass of the map falls, and the overlay. */
@Tag("dataset")
class ExplainerTest {

    /** Test image 2 is a trouser. */
    private static final int TROUSER = 2;

    private static byte[] image(int index) {
        LabelledImages test = RealDataset.get().dataset().testImages();
        byte[] pixels = new byte[784];
        for (int p = 0; p < 784; p++) {
            pixels[p] = (byte) test.pixel(index, p);
        }
        return pixels;
    }

    /** The share of the map's positive mass on the item's pixels (not the black background). */
    private static double massOnItem(float[] map, byte[] pixels) {
        double item = 0;
        double all = 0;
        for (int p = 0; p < map.length; p++) {
            double value = Math.max(0, map[p]);
            all += value;
            if (Byte.toUnsignedInt(pixels[p]) > 0) {
                item += value;
            }
        }
        return item / all;
    }

    private static double itemShare(byte[] pixels) {
        int item = 0;
        for (byte b : pixels) {
            item += Byte.toUnsignedInt(b) > 0 ? 1 : 0;
        }
        return item / (double) pixels.length;
    }

    private static float[] explain(Explainer explainer, Path run, byte[] pixels) {
        Predictor predictor = Predictor.load(run);
        EncodedBatch batch = predictor.encode(List.of(pixels));
        int answered = predictor.rank(predictor.probabilities(batch), 1).get(0).best().classIndex();
        assertThat(predictor.classNames().get(answered)).isEqualTo("Trouser");
        return explainer.maps(predictor, batch, new int[] {answered})[0];
    }

    /** Pearson correlation of two maps. */
    private static double correlation(float[] a, float[] b) {
        double meanA = 0;
        double meanB = 0;
        for (int i = 0; i < a.length; i++) {
            meanA += a[i] / (double) a.length;
            meanB += b[i] / (double) b.length;
        }
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - meanA) * (b[i] - meanB);
            aa += (a[i] - meanA) * (a[i] - meanA);
            bb += (b[i] - meanB) * (b[i] - meanB);
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void occlusionOfATrouserPutsMostOfItsMassOnTheItemForEveryKindOfNetwork() {
        byte[] trouser = image(TROUSER);
        // the trouser covers a third of the picture; three quarters of the map's mass or more fall on it
        assertThat(itemShare(trouser)).isBetween(0.3, 0.36);
        for (Path run : List.of(TestModels.mlp(), TestModels.cnn(), TestModels.residual())) {
            float[] occlusion = explain(Explainer.OCCLUSION, run, trouser);
            assertThat(occlusion).hasSize(784);
            assertThat(massOnItem(occlusion, trouser)).as("occlusion of %s", run.getFileName()).isGreaterThan(0.7);
        }
    }

    @Test
    void saliencyAgreesWithOcclusionAndLeavesTheNetworkAsItWas() {
        byte[] trouser = image(TROUSER);
        for (Path run : List.of(TestModels.mlp(), TestModels.cnn())) {
            Predictor predictor = Predictor.load(run);
            EncodedBatch batch = predictor.encode(List.of(trouser));
            float[][] before = predictor.probabilities(batch);
            int answered = predictor.rank(before, 1).get(0).best().classIndex();
            float[] saliency = Explainer.SALIENCY.maps(predictor, batch, new int[] {answered})[0];
            float[] occlusion = Explainer.OCCLUSION.maps(predictor, batch, new int[] {answered})[0];
            assertThat(correlation(saliency, occlusion)).as("saliency against occlusion, %s", run.getFileName())
                    .isGreaterThan(0.2);
            // the network it differentiated was a copy: the model answers as before, to the bit
            float[][] after = predictor.probabilities(batch);
            assertThat(after[0]).containsExactly(before[0]);
        }
    }

    @Test
    void saliencyOfAGraphIsRefusedInASentenceAndOcclusionIsOffered() {
        Predictor graph = Predictor.load(TestModels.residual());
        assertThat(Explainer.OCCLUSION.unsupported(graph)).isEmpty();
        assertThat(Explainer.SALIENCY.unsupported(graph)).get().asString().contains("graph").endsWith("use occlusion");
        assertThatThrownBy(() -> Explainer.SALIENCY.maps(graph, graph.encode(List.of(image(TROUSER))), new int[] {1}))
                .hasMessageContaining("use occlusion");
        assertThatThrownBy(() -> Explainer.of("lime")).hasMessage("no explanation method 'lime'; there are occlusion "
                + "and saliency");
    }

    @Test
    void theOverlayIsThePictureEnlargedAndTintedWhereTheMapIsHigh() throws IOException {
        byte[] trouser = image(TROUSER);
        float[] map = new float[784];
        map[14 * 28 + 14] = 1; // one hot pixel in the middle
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Overlay.png(trouser, map, 28, 28)));
        assertThat(png.getWidth()).isEqualTo(28 * Overlay.SCALE);
        int hot = png.getRGB(14 * Overlay.SCALE + 1, 14 * Overlay.SCALE + 1);
        int cold = png.getRGB(0, 0);
        assertThat((hot >> 16) & 0xff).as("red where the map is high").isGreaterThan((hot >> 8) & 0xff);
        assertThat(cold & 0xffffff).as("the black corner stays black").isZero();
    }
}
