package dev.fmnist.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.image.encode.Normalization;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final ImageShape SHAPE = ImageShape.FASHION_MNIST;

    /** A left-right asymmetric image: a bar in the left half, a dot top right. */
    private static byte[] asymmetric() {
        byte[] image = new byte[784];
        for (int y = 5; y < 20; y++) {
            image[y * 28 + 4] = (byte) 200;
            image[y * 28 + 5] = (byte) 180;
        }
        image[2 * 28 + 25] = (byte) 255;
        return image;
    }

    @Test
    void aFlippedImageIsItsMirrorAndHalfTheImagesAreFlipped() {
        byte[] original = asymmetric();
        byte[] mirror = original.clone();
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                mirror[y * 28 + x] = original[y * 28 + 27 - x];
            }
        }
        Augmentation flip = Augmentation.parse("flip");
        int flipped = 0;
        for (int i = 0; i < 400; i++) {
            byte[] image = original.clone();
            flip.apply(image, SHAPE, Augmentation.random(42, 1, i));
            assertThat(Arrays.equals(image, original) || Arrays.equals(image, mirror)).as("image %d", i).isTrue();
            flipped += Arrays.equals(image, mirror) ? 1 : 0;
        }
        assertThat(flipped).isBetween(160, 240);
    }

    @Test
    void thePhotoLookDullsAndNoisesTheItemAndLeavesTheBackgroundBlack() {
        Augmentation photo = Augmentation.parse("photo:1.0");
        byte[] item = new byte[784];
        for (int y = 6; y < 22; y++) {
            for (int x = 8; x < 20; x++) {
                item[y * 28 + x] = (byte) 220;
            }
        }
        double meanBefore = mean(item);
        double meanAfter = 0;
        int changed = 0;
        for (int i = 0; i < 100; i++) {
            byte[] image = item.clone();
            photo.apply(image, SHAPE, Augmentation.random(3, 1, i));
            assertThat(image[0]).as("a corner of the background").isZero();
            assertThat(image[3 * 28 + 3]).isZero();
            meanAfter += mean(image) / 100;
            changed += Arrays.equals(image, item) ? 0 : 1;
        }
        assertThat(changed).isGreaterThan(95);
        assertThat(meanAfter).as("duller on average").isLessThan(meanBefore * 0.95).isGreaterThan(meanBefore * 0.7);
        assertThat(Augmentation.parse("photo").toString()).isEqualTo("photo:0.5");
        assertThat(Augmentation.parse("flip,photo:0.3").toString()).isEqualTo("photo:0.3,flip");
        assertThatThrownBy(() -> Augmentation.parse("photo:2")).hasMessageContaining("photo probability must be in "
                + "(0, 1], got 2.0");
    }

    private static double mean(byte[] image) {
        double sum = 0;
        for (byte b : image) {
            sum += Byte.toUnsignedInt(b);
        }
        return sum / image.length;
    }

    @Test
    void erasingFillsOnlyOneRectangleOfTheStatedArea() {
        Augmentation erase = Augmentation.parse("erase:1.0:0.1-0.2:0.5");
        for (int i = 0; i < 200; i++) {
            byte[] image = new byte[784];
            Arrays.fill(image, (byte) 7);
            erase.apply(image, SHAPE, Augmentation.random(1, 1, i));
            int top = 28, bottom = -1, left = 28, right = -1, changed = 0;
            for (int p = 0; p < 784; p++) {
                if (image[p] != 7) {
                    changed++;
                    top = Math.min(top, p / 28);
                    bottom = Math.max(bottom, p / 28);
                    left = Math.min(left, p % 28);
                    right = Math.max(right, p % 28);
                }
            }
            int box = (bottom - top + 1) * (right - left + 1);
            assertThat(changed).as("image %d: pixels changed inside the box, nearly all of it", i)
                    .isGreaterThan((int) (box * 0.95) - 2);
            assertThat((double) box / 784).as("image %d: area share", i).isBetween(0.07, 0.24);
            double aspect = (double) (bottom - top + 1) / (right - left + 1);
            assertThat(aspect).as("image %d: aspect ratio", i).isBetween(0.4, 2.5);
        }
    }

    @Test
    void cropKeepsTheSizeAndShiftsByAtMostThePadding() {
        Augmentation crop = Augmentation.parse("crop:3");
        boolean moved = false;
        for (int i = 0; i < 200; i++) {
            byte[] image = new byte[784];
            image[14 * 28 + 14] = (byte) 255;
            crop.apply(image, SHAPE, Augmentation.random(5, 2, i));
            assertThat(image).hasSize(784);
            int bright = -1;
            for (int p = 0; p < 784; p++) {
                if (image[p] != 0) {
                    assertThat(bright).as("one bright pixel").isEqualTo(-1);
                    bright = p;
                }
            }
            assertThat(Math.abs(bright / 28 - 14)).isLessThanOrEqualTo(3);
            assertThat(Math.abs(bright % 28 - 14)).isLessThanOrEqualTo(3);
            moved |= bright != 14 * 28 + 14;
        }
        assertThat(moved).isTrue();
    }

    @Test
    void specsAreCheckedAndWrittenOutInFull() {
        assertThat(Augmentation.parse("flip,erase,crop")).hasToString("crop:4,flip,erase:0.5:0.02-0.4:0.3");
        assertThat(Augmentation.parse("none").isNone()).isTrue();
        assertThat(Augmentation.parse("").isNone()).isTrue();
        assertThat(Augmentation.parse(Augmentation.parse("crop:2,erase:0.3").toString()))
                .hasToString("crop:2,erase:0.3:0.02-0.4:0.3");
        assertThatThrownBy(() -> Augmentation.parse("crop,rotate"))
                .hasMessage("unknown augmentation 'rotate'; known: crop[:PADDING], flip, erase[:P[:AMIN-AMAX[:RATIO]]], "
                        + "photo[:P]");
        assertThatThrownBy(() -> Augmentation.parse("crop:x")).hasMessageContaining("'crop:x' has a value that is not a number");
        assertThatThrownBy(() -> Augmentation.parse("erase:1.5")).hasMessage("erase probability must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> Augmentation.parse("crop:20")).hasMessage("crop padding must be 1..8 pixels, got 20");
    }

    private static LabelledImages images() {
        Random random = new Random(3);
        byte[] pixels = new byte[30 * 784];
        random.nextBytes(pixels);
        byte[] labels = new byte[30];
        for (int i = 0; i < 30; i++) {
            labels[i] = (byte) (i % 10);
        }
        return new LabelledImages(SHAPE, pixels, labels, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    private static float[] epoch(ImageBatchIterator iterator, int epoch) {
        iterator.startEpoch(epoch);
        float[] all = new float[0];
        while (iterator.hasNext()) {
            float[] batch = iterator.next().getFeatures().data().asFloat();
            float[] joined = Arrays.copyOf(all, all.length + batch.length);
            System.arraycopy(batch, 0, joined, all.length, batch.length);
            all = joined;
        }
        return all;
    }

    @Test
    void theSameSeedGivesTheSameAugmentedBatchesInEveryEpoch() {
        Augmentation augmentation = Augmentation.parse("crop,flip,erase");
        ImageBatchIterator a = ImageBatchIterator.shuffled(images(), InputLayout.IMAGE, Normalization.scale(), 8, 42,
                augmentation, 0);
        ImageBatchIterator b = ImageBatchIterator.shuffled(images(), InputLayout.IMAGE, Normalization.scale(), 8, 42,
                augmentation, 0);
        ImageBatchIterator plain = ImageBatchIterator.shuffled(images(), InputLayout.IMAGE, Normalization.scale(), 8,
                42);
        ImageBatchIterator other = ImageBatchIterator.shuffled(images(), InputLayout.IMAGE, Normalization.scale(), 8, 7,
                augmentation, 0);
        float[] second = epoch(a, 2);
        assertThat(epoch(b, 2)).as("same seed and epoch, even when reached directly (a resume)").isEqualTo(second);
        assertThat(epoch(a, 1)).isNotEqualTo(second);
        assertThat(epoch(plain, 2)).as("augmentation changes the images").isNotEqualTo(second);
        assertThat(epoch(other, 2)).isNotEqualTo(second);
    }

    @Test
    void sequentialBatchesAreNeverAugmented() {
        ImageBatchIterator sequential = ImageBatchIterator.sequential(images(), InputLayout.FLAT, Normalization.scale(), 8);
        float[] values = epoch(sequential, 1);
        LabelledImages images = images();
        for (int i = 0; i < images.count(); i++) {
            for (int p = 0; p < 784; p += 97) {
                assertThat(values[i * 784 + p]).isEqualTo(images.pixel(i, p) / 255f);
            }
        }
    }

    @Test
    void aWholeSetIsAugmentedLikeItsBatches() {
        Augmentation augmentation = Augmentation.parse("crop,flip");
        LabelledImages copy = augmentation.applyAll(images(), 42, 1);
        byte[] first = new byte[784];
        images().pixelBuffer().get(0, first);
        augmentation.apply(first, SHAPE, Augmentation.random(42, 1, 0));
        byte[] fromCopy = new byte[784];
        copy.pixelBuffer().get(0, fromCopy);
        assertThat(fromCopy).isEqualTo(first);
        assertThat(copy.label(3)).isEqualTo(3);
    }

    @Test
    void smoothedLabelsKeepTheClassAndSumToOne() {
        ImageBatchIterator smoothed = ImageBatchIterator.shuffled(images(), InputLayout.FLAT, Normalization.scale(), 30,
                42, Augmentation.none(), 0.1);
        var labels = smoothed.next().getLabels();
        for (int i = 0; i < 30; i++) {
            assertThat(labels.getRow(i).sumNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(labels.getRow(i).maxNumber().floatValue()).isCloseTo(0.91f, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(labels.getRow(i).minNumber().floatValue()).isCloseTo(0.01f, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }
}
