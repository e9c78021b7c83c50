package dev.fmnist.runtime.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.ImageInputException;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.nativecpu.SingleImageDense;
import dev.fmnist.runtime.predict.Predictor.PredictionsAndEmbeddings;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Image files through the same preprocessing the server uses agree with the model on the raw tensors. */
@Tag("dataset")
class PredictorTest {

    private final LabelledImages test = RealDataset.get().dataset().testImages();
    private final Predictor predictor = Predictor.load(TestModels.mlp());

    /** Test images the model classifies with at least 90% confidence on the raw tensor. */
    private List<Integer> confidentImages(Predictions raw) {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < test.count() && chosen.size() < 12; i++) {
            if (raw.confidence(i) >= 0.9) {
                chosen.add(i);
            }
        }
        return chosen;
    }

    private BufferedImage asGrey(int index) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 784; p++) {
            image.getRaster().setSample(p % 28, p / 28, 0, test.pixel(index, p));
        }
        return image;
    }

    /** The product-photo version: dark garment on white, RGB, four times larger, JPEG-compressed. */
    private byte[] invertedEnlargedJpeg(int index) throws IOException {
        BufferedImage rgb = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        BufferedImage inverted = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 784; p++) {
            int v = 255 - test.pixel(index, p);
            inverted.setRGB(p % 28, p / 28, new Color(v, v, (int) (v * 0.95)).getRGB());
        }
        g.drawImage(inverted, 0, 0, 112, 112, null);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
        }
        writer.dispose();
        return bytes.toByteArray();
    }

    private static byte[] prepare(byte[] file, String name, long maxPixels) {
        return new ImagePreprocessor(maxPixels).pixels(file, name);
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    @Test
    void pngAndInvertedEnlargedRgbJpegGiveTheClassOfTheRawTensor() throws IOException {
        Predictions raw = predictor.predictions(test);
        List<Integer> images = confidentImages(raw);
        assertThat(images).hasSizeGreaterThanOrEqualTo(10);
        for (int index : images) {
            byte[] fromPng = prepare(png(asGrey(index)), "test-" + index + ".png", 1_000_000);
            byte[] original = new byte[784];
            for (int p = 0; p < 784; p++) {
                original[p] = (byte) test.pixel(index, p);
            }
            assertThat(fromPng).as("a 28x28 grey PNG is used as it is").isEqualTo(original);

            byte[] fromJpeg = prepare(invertedEnlargedJpeg(index), "photo-" + index + ".jpg", 1_000_000);
            double difference = 0;
            for (int p = 0; p < 784; p++) {
                difference += Math.abs(Byte.toUnsignedInt(fromJpeg[p]) - test.pixel(index, p));
            }
            // The conversion trims the dataset's faint outermost pixels again and resamples, so outlines move by
            // up to a pixel (about 20 on average); no inversion or a kept margin would be 50 and more.
            assertThat(difference / 784).as("mean pixel difference after inversion and downscaling").isLessThan(30);

            List<Prediction> predictions = predictor.predict(List.of(fromPng, fromJpeg), 3);
            assertThat(predictions.get(0).best().classIndex()).isEqualTo(raw.predicted(index));
            assertThat(predictions.get(1).best().classIndex()).as("image %d from the JPEG", index)
                    .isEqualTo(raw.predicted(index));
            assertThat(predictions.get(0).top()).hasSize(3);
        }
    }

    @Test
    void notAnImageAndTooManyPixelsAreClearErrors() throws IOException {
        assertThatThrownBy(() -> prepare("%PDF-1.4".getBytes(), "invoice.pdf", 1_000_000))
                .isInstanceOf(ImageInputException.class)
                .hasMessage("invoice.pdf is not an image in a supported format (PNG, JPEG, GIF, BMP, WebP)")
                .satisfies(e -> assertThat(((ImageInputException) e).reason())
                        .isEqualTo(ImageInputException.Reason.NOT_AN_IMAGE));
        byte[] big = png(new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY));
        assertThatThrownBy(() -> new ImagePreprocessor(50_000).decode(big, "huge.png"))
                .hasMessage("huge.png is 300x200 = 60,000 pixels; at most 50,000 are accepted");
        byte[] truncated = java.util.Arrays.copyOf(png(asGrey(0)), 60);
        assertThatThrownBy(() -> prepare(truncated, "cut.png", 1_000_000))
                .isInstanceOf(ImageInputException.class)
                .hasMessageStartingWith("cut.png cannot be decoded as an image");
    }

    @Test
    void wideImagesAreTrimmedToTheItemFittedAndCentredOnBlack() {
        BufferedImage wide = new BufferedImage(56, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = wide.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 56, 28);
        g.setColor(Color.BLACK);
        g.fillRect(8, 8, 40, 12);
        g.dispose();
        byte[] pixels = new ImagePreprocessor(1_000_000).toFashionMnist(wide);
        // Trimmed to the 40x12 bar, scaled to 28x8, centred: rows 10-17; the dark bar became light and now
        // spans the whole width, as an item does in the dataset.
        assertThat(Byte.toUnsignedInt(pixels[3 * 28 + 14])).isZero();
        assertThat(Byte.toUnsignedInt(pixels[24 * 28 + 14])).isZero();
        assertThat(Byte.toUnsignedInt(pixels[14 * 28 + 14])).isGreaterThan(200);
        assertThat(Byte.toUnsignedInt(pixels[14 * 28 + 1])).isGreaterThan(200);
        assertThat(Byte.toUnsignedInt(pixels[9 * 28 + 14])).isZero();
        assertThat(Byte.toUnsignedInt(pixels[10 * 28 + 14])).isGreaterThan(200);
    }

    @Test
    void flipAveragingIsTheMeanOfTheImageAndItsMirror() {
        LabelledImages few = test.subset(new int[] {0, 1, 2, 3});
        Predictions plain = predictor.predictions(few);
        Predictions averaged = predictor.withFlipAveraging(true).predictions(few);
        List<byte[]> mirrored = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] image = new byte[784];
            for (int p = 0; p < 784; p++) {
                image[p] = (byte) few.pixel(i, (p / 28) * 28 + 27 - p % 28);
            }
            mirrored.add(image);
        }
        List<Prediction> ofMirrors = predictor.predict(mirrored, 10);
        for (int i = 0; i < 4; i++) {
            for (ClassProbability c : ofMirrors.get(i).top()) {
                double expected = (plain.probability(i, c.classIndex()) + c.probability()) / 2;
                assertThat((double) averaged.probability(i, c.classIndex())).as("image %d class %d", i, c.classIndex())
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        assertThat(predictor.withFlipAveraging(false)).isSameAs(predictor);
    }

    /** A loaded layer stack answers one image through its dense layers' matrix-vector product: as in a batch. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mlp", "cnn"})
    void oneImageAloneGetsWhatItGetsInABatch(String model) {
        Predictor loaded = Predictor.load(model.equals("mlp") ? TestModels.mlp() : TestModels.cnn());
        assertThat(loaded.network().layers()).as("its dense layers are swapped")
                .anyMatch(layer -> layer.getClass().getEnclosingClass() == SingleImageDense.class);
        LabelledImages eight = test.subset(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
        Predictions batch = loaded.predictions(eight);
        for (int i = 0; i < 8; i++) {
            Predictions alone = loaded.predictions(test.subset(new int[] {i}));
            for (int c = 0; c < 10; c++) {
                assertThat((double) alone.probability(0, c)).as("image %d class %d", i, c)
                        .isCloseTo(batch.probability(i, c), org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mlp", "cnn", "residual"})
    void oneForwardPassGivesWhatPredictAndEmbedGiveApart(String model) {
        Path run = switch (model) {
            case "mlp" -> TestModels.mlp();
            case "cnn" -> TestModels.cnn();
            default -> TestModels.residual();
        };
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            byte[] image = new byte[784];
            for (int p = 0; p < 784; p++) {
                image[p] = (byte) test.pixel(i, p);
            }
            images.add(image);
        }
        Predictor loaded = Predictor.load(run);
        for (boolean flip : new boolean[] {false, true}) {
            Predictor plain = loaded.withFlipAveraging(flip);
            List<Prediction> apart = plain.predict(images, 10);
            float[][] embeddings = plain.embed(images);
            PredictionsAndEmbeddings both = plain.predictAndEmbed(images, 10);
            assertThat(both.embeddings()).hasDimensions(24, embeddings[0].length);
            for (int i = 0; i < 24; i++) {
                assertThat(both.predictions().get(i).best().classIndex()).as("%s flip %s image %d", model, flip, i)
                        .isEqualTo(apart.get(i).best().classIndex());
                for (ClassProbability c : apart.get(i).top()) {
                    double probability = both.predictions().get(i).top().stream()
                            .filter(o -> o.classIndex() == c.classIndex()).findFirst().orElseThrow().probability();
                    assertThat(probability).as("%s flip %s image %d class %d", model, flip, i, c.classIndex())
                            .isCloseTo(c.probability(), org.assertj.core.data.Offset.offset(1e-6));
                }
                assertThat(both.embeddings()[i]).as("%s image %d", model, i)
                        .containsExactly(embeddings[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }
}
