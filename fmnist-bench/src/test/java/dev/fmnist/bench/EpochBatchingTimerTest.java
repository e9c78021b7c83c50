package dev.fmnist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.image.encode.Normalization;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochBatchingTimerTest {

    private static ImageBatchIterator batches(int images) {
        byte[] pixels = new byte[images * 784];
        byte[] labels = new byte[images];
        for (int i = 0; i < images; i++) {
            pixels[i * 784 + i % 784] = (byte) 200;
            labels[i] = (byte) (i % 10);
        }
        List<String> classes = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        return ImageBatchIterator.shuffled(new LabelledImages(ImageShape.FASHION_MNIST, pixels, labels, classes),
                InputLayout.IMAGE, Normalization.scale(), 64, 1);
    }

    @Test
    void aWholeEpochIsTimedEveryTimeItIsAskedFor() {
        ImageBatchIterator iterator = batches(300);

        double first = EpochBatchingTimer.imagesPerSecond(iterator, 784);
        double second = EpochBatchingTimer.imagesPerSecond(iterator, 784);

        assertThat(first).isFinite().isPositive();
        assertThat(second).isFinite().isPositive();
        assertThat(iterator.hasNext()).as("the epoch was drained").isFalse();
        assertThat(iterator.epoch()).as("each call starts an epoch of its own").isEqualTo(3);
    }

    @Test
    void anEpochThatLostValuesIsAnErrorNotAFigure() {
        assertThatThrownBy(() -> EpochBatchingTimer.imagesPerSecond(batches(100), 785))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("an epoch produced 78400 values for 100 images of 785 pixels");
    }
}
