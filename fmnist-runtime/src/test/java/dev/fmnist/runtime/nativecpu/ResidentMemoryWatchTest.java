package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The watch that stands in for JavaCPP's per-allocation check of the resident size in a server. */
class ResidentMemoryWatchTest {

    private static final long LIMIT = 1_000;

    /** A watch whose resident size is read from {@code sizes} in turn (the last one repeats), counting collections. */
    private static final class Scripted {
        final Deque<Long> sizes;
        final AtomicInteger collections = new AtomicInteger();
        final ResidentMemoryWatch watch;

        Scripted(Long... sizes) {
            this.sizes = new ArrayDeque<>(List.of(sizes));
            this.watch = new ResidentMemoryWatch(LIMIT, this::next, collections::incrementAndGet, false);
        }

        private long next() {
            return sizes.size() > 1 ? sizes.poll() : sizes.peek();
        }
    }

    @Test
    void underTheLimitNothingIsCollected() {
        Scripted scripted = new Scripted(LIMIT);
        for (int i = 0; i < 10; i++) {
            scripted.watch.check();
        }
        assertThat(scripted.collections).hasValue(0);
    }

    @Test
    void aboveTheLimitACollectionIsMadeAndAgainTheNextTimeItIsCrossed() {
        // crossed, collected back under, under, crossed again
        Scripted scripted = new Scripted(LIMIT + 1, LIMIT - 1, LIMIT - 1, LIMIT + 1, LIMIT - 1);
        scripted.watch.check();
        assertThat(scripted.collections).hasValue(1);
        scripted.watch.check();
        assertThat(scripted.collections).hasValue(1);
        scripted.watch.check();
        assertThat(scripted.collections).hasValue(2);
    }

    @Test
    void whenACollectionDoesNotHelpTheNextOneWaitsItsTurn() {
        Scripted scripted = new Scripted(LIMIT * 2);
        scripted.watch.check();
        assertThat(scripted.collections).hasValue(1);
        for (int i = 1; i < ResidentMemoryWatch.QUIET_LOOKS; i++) {
            scripted.watch.check();
        }
        assertThat(scripted.collections).as("full collections four times a second would stall the server").hasValue(1);
        scripted.watch.check();
        assertThat(scripted.collections).hasValue(2);
    }

    @Test
    void theLimitIsTheLaunchersOnlyWhenJavaCppDoesNotCheckItself() {
        assertThat(ResidentMemoryWatch.askedLimit("7g", 0)).hasValue(7L << 30);
        assertThat(ResidentMemoryWatch.askedLimit(" 500m ", 0)).hasValue(500L << 20);
        assertThat(ResidentMemoryWatch.askedLimit("7g", 7L << 30)).as("JavaCPP checks").isEmpty();
        assertThat(ResidentMemoryWatch.askedLimit(null, 0)).isEmpty();
        assertThat(ResidentMemoryWatch.askedLimit("0", 0)).isEqualTo(OptionalLong.empty());
        assertThatThrownBy(() -> ResidentMemoryWatch.askedLimit("lots", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fmnist.watch.maxphysicalbytes=lots is not a size (7g, 500m, bytes)");
    }

    @Test
    void theRealWatchReadsThisProcesssSize() throws Exception {
        assertThat(Pointer.physicalBytes()).as("JavaCPP reads the resident size here").isPositive();
        try (ResidentMemoryWatch watch = ResidentMemoryWatch.start(Long.MAX_VALUE)) {
            watch.check();
            assertThat(watch.limit()).isEqualTo(Long.MAX_VALUE);
        }
    }
}
