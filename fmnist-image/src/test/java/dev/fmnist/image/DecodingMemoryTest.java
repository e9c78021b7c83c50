package dev.fmnist.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DecodingMemoryTest {

    /** A 1,000 x 1,000 RGBA product photo: a dark garment on white, 4 MB decoded, a few kB as a file. */
    private static byte[] photo() throws IOException {
        BufferedImage image = new BufferedImage(1_000, 1_000, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 1_000, 1_000);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(300, 200, 400, 600);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    @Test
    void decodesNeverHoldMoreThanTheBudgetHoweverManyThreadsDecode() throws Exception {
        byte[] photo = photo();
        // each decode reserves 4 MB of pixels + 2 MB for the conversion: a 10 MB budget lets one run at a time
        DecodingMemory memory = new DecodingMemory(10L << 20);
        ImagePreprocessor preprocessor = new ImagePreprocessor(40_000_000L, memory);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> decoded = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                decoded.add(threads.submit(() -> preprocessor.pixels(photo, "photo.png")));
            }
            for (Future<byte[]> pixels : decoded) {
                assertThat(pixels.get(60, TimeUnit.SECONDS)).hasSize(28 * 28);
            }
        } finally {
            threads.shutdownNow();
        }
        long oneDecode = (6_000_000L + 1_023) / 1_024 * 1_024;
        assertThat(memory.peakBytes()).as("the most reserved at once: one decode").isEqualTo(oneDecode);
        assertThat(memory.reservedBytes()).as("all given back").isZero();
    }

    @Test
    void anImageLargerThanTheBudgetDecodesAloneAndOneThatWaitsPastItsDeadlineIsRefused() throws Exception {
        byte[] photo = photo();
        DecodingMemory memory = new DecodingMemory(1L << 20);
        ImagePreprocessor preprocessor = new ImagePreprocessor(40_000_000L, memory);
        assertThat(preprocessor.pixels(photo, "photo.png")).hasSize(28 * 28);
        assertThat(memory.peakBytes()).isEqualTo(memory.capacityBytes());
        try (DecodingMemory.Reservation held = memory.reserve(1, ImagePreprocessor.NO_DEADLINE, "another")) {
            assertThatThrownBy(() -> preprocessor.pixels(photo, "photo.png",
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)))
                    .isInstanceOfSatisfying(ImageInputException.class, e -> assertThat(e.reason())
                            .isEqualTo(ImageInputException.Reason.TIMED_OUT))
                    .hasMessageContaining("photo.png waited for memory to decode in");
        }
        assertThat(memory.reservedBytes()).isZero();
    }

    @Test
    void anImagePastItsDeadlineIsGivenUpAndSaysSo() throws Exception {
        ImagePreprocessor preprocessor = new ImagePreprocessor(40_000_000L, new DecodingMemory(64L << 20));
        assertThatThrownBy(() -> preprocessor.pixels(photo(), "slow.png", System.nanoTime() - 1))
                .isInstanceOfSatisfying(ImageInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(ImageInputException.Reason.TIMED_OUT))
                .hasMessage("slow.png was not decoded before its deadline; try again shortly");
    }
}
