package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The watch that stands in for JavaCPP's per-allocation check of the resident size in a server. */
class ResidentMemoryWatchTest {

    private static final long LIMIT = 1_000;

    private final AtomicLong size = new AtomicLong();
    private final AtomicInteger collections = new AtomicInteger();
    /** A collection that brings the size to {@code afterCollection}. */
    private final AtomicLong afterCollection = new AtomicLong(LIMIT / 2);
    private final ResidentMemoryWatch watch = new ResidentMemoryWatch(LIMIT, size::get, () -> {
        collections.incrementAndGet();
        size.set(afterCollection.get());
    }, false);

    @Test
    void underTheLimitNothingIsCollected() {
        size.set(LIMIT);
        for (int i = 0; i < 100; i++) {
            watch.look();
        }
        assertThat(collections).hasValue(0);
    }

    @Test
    void aboveTheLimitTheFirstLookCollects() {
        size.set(LIMIT + 1);
        watch.look();
        assertThat(collections).hasValue(1);
        assertThat(size).as("the collection brought it back").hasValue(LIMIT / 2);
    }

    @Test
    void collectionsAreTheIntervalApartHoweverTheSizeMoves() {
        size.set(LIMIT * 2);
        watch.look();
        assertThat(collections).hasValue(1);
        // a sawtooth around the limit, and a size a collection does not help
        for (int i = 1; i < ResidentMemoryWatch.LOOKS_BETWEEN_COLLECTIONS; i++) {
            size.set(i % 2 == 0 ? LIMIT * 2 : LIMIT / 2);
            afterCollection.set(LIMIT * 2);
            watch.look();
        }
        assertThat(collections).as("full collections four times a second would stall the server").hasValue(1);
        assertThat(watch.collections()).as("the count /metrics shows").isEqualTo(1);
        size.set(LIMIT * 2);
        watch.look();
        assertThat(collections).hasValue(2);
        assertThat(watch.collections()).isEqualTo(2);
    }

    @Test
    void theLimitIsTheLaunchersOnlyWhenJavaCppDoesNotCheckItself() {
        assertThat(ResidentMemoryWatch.askedLimit("7g", 0)).hasValue(7L << 30);
        assertThat(ResidentMemoryWatch.askedLimit(" 500m ", 0)).hasValue(500L << 20);
        assertThat(ResidentMemoryWatch.askedLimit("7g", 7L << 30)).as("JavaCPP checks").isEmpty();
        assertThat(ResidentMemoryWatch.askedLimit(null, 0)).isEmpty();
        assertThat(ResidentMemoryWatch.askedLimit("0", 0)).isEmpty();
        assertThatThrownBy(() -> ResidentMemoryWatch.askedLimit("lots", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fmnist.watch.maxphysicalbytes=lots is not a size (7g, 500m, bytes)");
    }

    @Test
    void theRealWatchReadsThisProcesssSizeAndCollectsAboveOneByte() {
        assertThat(Pointer.physicalBytes()).as("JavaCPP reads the resident size here").isPositive();
        long before = collectionsSoFar(); // before the watch's own timer can collect
        try (ResidentMemoryWatch real = ResidentMemoryWatch.start(1)) {
            real.look(); // above one byte: the JVM's collector runs, then the settling pause and the warning
            assertThat(real.collections()).as("the watch's own count: it did collect").isGreaterThanOrEqualTo(1);
            assertThat(collectionsSoFar()).as("collections the JVM counted").isGreaterThan(before);
            assertThat(real.limit()).isEqualTo(1);
        }
    }

    private static long collectionsSoFar() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(count -> count >= 0).sum(); // -1: undefined
    }
}
