package dev.fmnist.data.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.image.encode.Normalization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class ImageBatchIteratorTest {

    /** 10 images of 2x2 whose every pixel holds the image's index, labelled index mod 3. */
    private static LabelledImages images() {
        byte[] pixels = new byte[40];
        byte[] labels = new byte[10];
        for (int i = 0; i < 10; i++) {
            for (int p = 0; p < 4; p++) {
                pixels[i * 4 + p] = (byte) i;
            }
            labels[i] = (byte) (i % 3);
        }
        return new LabelledImages(new ImageShape(1, 2, 2), pixels, labels, List.of("a", "b", "c"));
    }

    /** The image indices of one epoch, read back from the pixel values. */
    private static List<Integer> epochOrder(ImageBatchIterator iterator) {
        List<Integer> order = new ArrayList<>();
        while (iterator.hasNext()) {
            DataSet batch = iterator.next();
            for (int row = 0; row < batch.numExamples(); row++) {
                order.add(Math.round(batch.getFeatures().getRow(row).getFloat(0) * 255));
            }
        }
        return order;
    }

    @Test
    void shapesFollowTheLayoutAndTheLastBatchIsSmaller() {
        ImageBatchIterator flat = ImageBatchIterator.sequential(images(), InputLayout.FLAT, Normalization.scale(), 4);
        assertThat(flat.batchesPerEpoch()).isEqualTo(3);
        DataSet first = flat.next();
        assertThat(first.getFeatures().shape()).containsExactly(4, 4);
        assertThat(first.getLabels().shape()).containsExactly(4, 3);
        flat.next();
        assertThat(flat.next().getFeatures().shape()).containsExactly(2, 4);
        assertThat(flat.hasNext()).isFalse();

        ImageBatchIterator image = ImageBatchIterator.sequential(images(), InputLayout.IMAGE, Normalization.scale(), 4);
        assertThat(image.next().getFeatures().shape()).containsExactly(4, 1, 2, 2);
    }

    @Test
    void labelsAreOneHotAndFeaturesScaled() {
        DataSet batch = ImageBatchIterator.sequential(images(), InputLayout.FLAT, Normalization.scale(), 10).next();
        for (int i = 0; i < 10; i++) {
            assertThat(batch.getLabels().getRow(i).toFloatVector()).containsExactly(
                    i % 3 == 0 ? 1f : 0f, i % 3 == 1 ? 1f : 0f, i % 3 == 2 ? 1f : 0f);
            assertThat(batch.getFeatures().getFloat(i, 3)).isEqualTo(i / 255f);
        }
    }

    @Test
    void eachEpochIsAPermutationReproducibleFromTheSeed() {
        ImageBatchIterator a = ImageBatchIterator.shuffled(images(), InputLayout.FLAT, Normalization.scale(), 3, 42);
        List<Integer> epoch1 = epochOrder(a);
        a.reset();
        List<Integer> epoch2 = epochOrder(a);
        assertThat(epoch1).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(epoch2).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(epoch2).as("reshuffled per epoch").isNotEqualTo(epoch1);

        ImageBatchIterator resumed = ImageBatchIterator.shuffled(images(), InputLayout.FLAT, Normalization.scale(), 3, 42);
        resumed.startEpoch(2);
        assertThat(epochOrder(resumed)).as("epoch 2 depends only on seed and epoch").isEqualTo(epoch2);

        ImageBatchIterator other = ImageBatchIterator.shuffled(images(), InputLayout.FLAT, Normalization.scale(), 3, 7);
        assertThat(epochOrder(other)).isNotEqualTo(epoch1);
    }

    @Test
    void aTeachersTargetsAreMixedIntoEachShuffledImagesLabelByItsIndex() {
        // image i's teacher row: 0.1 * (i % 4) on class 0, the rest on class 2, so neighbouring images' rows differ
        float[] targets = new float[30];
        for (int i = 0; i < 10; i++) {
            targets[i * 3] = 0.1f * (i % 4);
            targets[i * 3 + 2] = 1 - 0.1f * (i % 4);
        }
        ImageBatchIterator taught = ImageBatchIterator.shuffled(images(), InputLayout.FLAT, Normalization.scale(), 4,
                42).withTeacher(targets, 0.75);
        taught.reset(); // epoch 2, shuffled: rows must follow their images, not their places in the batch
        int seen = 0;
        while (taught.hasNext()) {
            DataSet batch = taught.next();
            for (int row = 0; row < batch.numExamples(); row++) {
                int image = Math.round(batch.getFeatures().getFloat(row, 0) * 255);
                float[] expected = new float[3];
                expected[image % 3] += 0.25f;
                for (int c = 0; c < 3; c++) {
                    expected[c] += 0.75f * targets[image * 3 + c];
                }
                assertThat(batch.getLabels().getRow(row).toFloatVector())
                        .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
                seen++;
            }
        }
        assertThat(seen).isEqualTo(10);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImageBatchIterator.shuffled(images(),
                InputLayout.FLAT, Normalization.scale(), 4, 42).withTeacher(new float[29], 0.5))
                .hasMessage("the teacher's targets have 29 values, and 10 images of 3 classes need 30");
    }
}
