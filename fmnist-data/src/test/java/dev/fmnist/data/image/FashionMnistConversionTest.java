package dev.fmnist.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.ImageInputException;
import dev.fmnist.image.ImagePreprocessor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Zalando's conversion on known pictures made from real test images. */
@Tag("dataset")
class FashionMnistConversionTest {

    private final LabelledImages test = RealDataset.get().dataset().testImages();
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS);

    /** Test image {@code index}, {@code scale} times larger, on a backdrop with the given margins. */
    private BufferedImage photo(int index, int scale, int left, int top, int right, int bottom, boolean lightBackdrop,
            double noise) {
        BufferedImage item = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 784; p++) {
            int v = lightBackdrop ? 255 - test.pixel(index, p) : test.pixel(index, p);
            item.setRGB(p % 28, p / 28, new Color(v, v, v).getRGB());
        }
        int side = 28 * scale;
        BufferedImage photo = new BufferedImage(left + side + right, top + side + bottom, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(lightBackdrop ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, photo.getWidth(), photo.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(item, left, top, side, side, null);
        g.dispose();
        Random random = new Random(index);
        for (int y = 0; noise > 0 && y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                int v = (photo.getRGB(x, y) & 0xff) + (int) Math.round(random.nextGaussian() * noise);
                int c = Math.max(0, Math.min(255, v));
                photo.setRGB(x, y, new Color(c, c, c).getRGB());
            }
        }
        return photo;
    }

    private static double meanDifference(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(Byte.toUnsignedInt(a[i]) - Byte.toUnsignedInt(b[i]));
        }
        return sum / a.length;
    }

    /**
     * The mean difference after the best alignment within one pixel: a picture resampled from another size can
     * land half a pixel away, and an item's sharp outline then differs everywhere along it.
     */
    private static double alignedDifference(byte[] a, byte[] b) {
        double best = Double.MAX_VALUE;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                double sum = 0;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int sx = x + dx;
                        int sy = y + dy;
                        int other = sx < 0 || sy < 0 || sx > 27 || sy > 27 ? 0 : Byte.toUnsignedInt(b[sy * 28 + sx]);
                        sum += Math.abs(Byte.toUnsignedInt(a[y * 28 + x]) - other);
                    }
                }
                best = Math.min(best, sum / 784);
            }
        }
        return best;
    }

    /** The first and last row and column holding a pixel above 30. */
    private static int[] extent(byte[] pixels) {
        int top = 28;
        int bottom = -1;
        int left = 28;
        int right = -1;
        for (int i = 0; i < pixels.length; i++) {
            if (Byte.toUnsignedInt(pixels[i]) > 30) {
                top = Math.min(top, i / 28);
                bottom = Math.max(bottom, i / 28);
                left = Math.min(left, i % 28);
                right = Math.max(right, i % 28);
            }
        }
        return new int[] {top, bottom, left, right};
    }

    @Test
    void aPaddedItemComesOutAsTheUnpaddedOneAndCloseToTheDatasetImage() {
        for (int index : new int[] {0, 1, 2, 3, 8, 13}) {
            byte[] unpadded = preprocessor.toFashionMnist(photo(index, 6, 0, 0, 0, 0, true, 0));
            byte[] padded = preprocessor.toFashionMnist(photo(index, 6, 90, 20, 30, 150, true, 0));
            assertThat(alignedDifference(padded, unpadded)).as("image %d: with and without a margin", index)
                    .isLessThan(6);
            byte[] original = new byte[784];
            for (int p = 0; p < 784; p++) {
                original[p] = (byte) test.pixel(index, p);
            }
            // The dataset's faint outermost pixels are within the trim's 5% again, so the item comes out a
            // pixel larger: close, not equal (a margin left in, or no inversion, differs by 40 and more).
            assertThat(alignedDifference(padded, original)).as("image %d against the dataset's own", index)
                    .isLessThan(25);
            int[] extent = extent(padded);
            int[] expected = extent(original);
            for (int i = 0; i < 4; i++) {
                assertThat(extent[i]).as("image %d fills the frame as in the dataset (edge %d)", index, i)
                        .isBetween(expected[i] - 1, expected[i] + 1);
            }
        }
    }

    @Test
    void aWhiteBackgroundIsInvertedAndADarkOneIsNot() {
        byte[] fromWhite = preprocessor.toFashionMnist(photo(1, 5, 40, 40, 40, 40, true, 0));
        byte[] fromBlack = preprocessor.toFashionMnist(photo(1, 5, 40, 40, 40, 40, false, 0));
        assertThat(Byte.toUnsignedInt(fromWhite[0])).as("background corner").isZero();
        assertThat(Byte.toUnsignedInt(fromBlack[0])).as("background corner").isZero();
        assertThat(alignedDifference(fromWhite, fromBlack)).isLessThan(3);
        // Test image 1 is a pullover: light in the middle of the frame after conversion either way.
        assertThat(Byte.toUnsignedInt(fromWhite[14 * 28 + 14])).isGreaterThan(100);
        assertThat(Byte.toUnsignedInt(fromBlack[14 * 28 + 14])).isGreaterThan(100);
    }

    @Test
    void noiseInTheBackgroundDoesNotStopTheTrim() {
        for (int index : new int[] {0, 2, 5}) {
            byte[] clean = preprocessor.toFashionMnist(photo(index, 6, 120, 60, 40, 90, true, 0));
            byte[] noisy = preprocessor.toFashionMnist(photo(index, 6, 120, 60, 40, 90, true, 8));
            int[] extent = extent(noisy);
            int[] expected = extent(clean);
            for (int i = 0; i < 4; i++) {
                assertThat(extent[i]).as("image %d with noise of sigma 8 (edge %d)", index, i)
                        .isBetween(expected[i] - 1, expected[i] + 1);
            }
            assertThat(alignedDifference(noisy, clean)).as("image %d", index).isLessThan(8);
        }
    }

    @Test
    void aPictureOfOnlyBackgroundIsKeptWholeAndBlack() {
        BufferedImage blank = new BufferedImage(90, 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(new Color(240, 240, 240));
        g.fillRect(0, 0, 90, 60);
        g.dispose();
        byte[] pixels = preprocessor.toFashionMnist(blank);
        assertThat(pixels).containsOnly((byte) 0);
    }

    @Test
    void productPhotosAreSeededAndTruncatedOnesAreRefused() {
        ProductPhotos photos = new ProductPhotos(test, 11);
        assertThat(photos.photo(5).file()).isEqualTo(new ProductPhotos(test, 11).photo(5).file());
        assertThat(photos.photo(5).file()).isNotEqualTo(new ProductPhotos(test, 12).photo(5).file());
        ProductPhotos.Photo jpeg = java.util.stream.IntStream.range(0, 20).mapToObj(photos::photo)
                .filter(p -> p.format().equals("jpg")).findFirst().orElseThrow();
        byte[] truncated = Arrays.copyOf(jpeg.file(), jpeg.file().length * 2 / 3);
        assertThatThrownBy(() -> preprocessor.pixels(truncated, "cut.jpg"))
                .isInstanceOf(ImageInputException.class)
                .hasMessageStartingWith("cut.jpg is truncated or corrupt: ")
                .satisfies(e -> assertThat(((ImageInputException) e).reason())
                        .isEqualTo(ImageInputException.Reason.CORRUPT));
        assertThat(preprocessor.pixels(jpeg.file(), "whole.jpg")).hasSize(784);
    }
}
