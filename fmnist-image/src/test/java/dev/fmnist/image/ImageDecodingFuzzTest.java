package dev.fmnist.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The image path a stranger feeds (an upload to classify, a file of a catalog folder), fuzzed: any bytes end in
 * 28x28 pixels or the decoder's own {@link ImageInputException}; anything else (an exception of ImageIO's
 * internals, an out-of-memory from a header's promises) is a crash. {@code mvn verify} fuzzes it for a bounded
 * time (the {@code fuzz} execution of this module's POM); every other test run replays the corpus in
 * {@code src/test/resources/dev/fmnist/image/ImageDecodingFuzzTestInputs/} (small images of each format,
 * and any input that once failed).
 */
class ImageDecodingFuzzTest {

    /** A cap small enough that a header's promise beyond it is refused, as the server's is. */
    private static final ImagePreprocessor DECODER = new ImagePreprocessor(4_000_000);

    // bounded by executions, not time: libFuzzer ends a timed run from its SIGALRM handler, which deadlocked once
    // when the signal came while the decoder's native code held a lock (the run hung until killed); the duration
    // is only a backstop far above what the executions take (about 85 s here, at 3,000 a second)
    @FuzzTest(maxExecutions = 250_000L, maxDuration = "15m")
    void anyBytesBecomePixelsOrTheDecodersOwnError(byte[] bytes) {
        try {
            // a second, as a server gives a request: the JDK's JPEG reader loops without end on some headers
            assertThat(DECODER.pixels(bytes, "upload", System.nanoTime() + 1_000_000_000L)).hasSize(28 * 28);
        } catch (ImageInputException expected) {
            // the sentence a client gets: 400, 413 or 415
        }
    }
}
