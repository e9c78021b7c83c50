package dev.fmnist.data.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.LabelledImages;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedSplitterTest {

    /** 1,000 images: class c has 100 * (c + 1) members... capped to four classes. */
    private static LabelledImages images() {
        int[] sizes = {100, 200, 300, 400};
        byte[] labels = new byte[1_000];
        int i = 0;
        for (int c = 0; c < sizes.length; c++) {
            for (int k = 0; k < sizes[c]; k++) {
                labels[i++] = (byte) c;
            }
        }
        return new LabelledImages(new ImageShape(1, 1, 1), new byte[1_000], labels, List.of("a", "b", "c", "d"));
    }

    @Test
    void holdsOutTheSameShareOfEveryClass() {
        LabelledImages images = images();
        TrainValidationSplit split = StratifiedSplitter.split(images, 0.1, 7);
        int[] perClass = new int[4];
        for (int index : split.validation()) {
            perClass[images.label(index)]++;
        }
        assertThat(perClass).containsExactly(10, 20, 30, 40);
        assertThat(split.train()).hasSize(900);
    }

    @Test
    void disjointAndCovering() {
        TrainValidationSplit split = StratifiedSplitter.split(images(), 0.25, 3);
        int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation())).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 1_000).toArray());
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        TrainValidationSplit a = StratifiedSplitter.split(images(), 0.1, 42);
        TrainValidationSplit b = StratifiedSplitter.split(images(), 0.1, 42);
        TrainValidationSplit c = StratifiedSplitter.split(images(), 0.1, 43);
        assertThat(a.validation()).isEqualTo(b.validation());
        assertThat(a.validation()).isNotEqualTo(c.validation());
    }

    @Test
    void refusesFractionsOutsideTheOpenUnitInterval() {
        assertThatThrownBy(() -> StratifiedSplitter.split(images(), 1.0, 1))
                .hasMessageContaining("validation fraction must be in (0,1), got 1.0");
    }
}
