package dev.fmnist.runtime.nativecpu;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JavaCPP's guard on the process's resident size, taken off the allocation path. With
 * {@code org.bytedeco.javacpp.maxphysicalbytes} set, JavaCPP reads the resident size at every allocation, and ND4J
 * allocates a few for every op: a server answering one image at a time paid it on each request (14% of the samples
 * of the cnn's batch-1 pass, docs/BENCHMARKS.md). The launcher turns that off for {@code serve} and names the limit
 * in {@value #LIMIT_PROPERTY} instead; this watch reads the size four times a second and, above the limit, does what
 * JavaCPP did first: a garbage collection, which frees the tensors of ND4J that nothing references any more (their
 * memory goes back on ND4J's threads, so the size is read again a moment later). What it does not do is JavaCPP's
 * retries and last step, failing the allocation that crossed the limit: the log says so instead.
 */
public final class ResidentMemoryWatch implements AutoCloseable {

    /** The launcher's limit for this watch, in JavaCPP's notation (7g, 500m, bytes). */
    public static final String LIMIT_PROPERTY = "fmnist.watch.maxphysicalbytes";

    static final Duration PERIOD = Duration.ofMillis(250);

    /** Looks between two collections at least (ten seconds), however the size moves: each one is a full one. */
    static final int LOOKS_BETWEEN_COLLECTIONS = 40;

    /** How long ND4J's threads get to free what a collection found, as JavaCPP waits after its own. */
    private static final long SETTLE_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ResidentMemoryWatch.class);

    private final long limit;
    private final LongSupplier residentBytes;
    private final Runnable collect;
    private final ScheduledExecutorService timer;
    // read and written by the timer's one thread only
    private int looksSinceCollection = LOOKS_BETWEEN_COLLECTIONS;
    private boolean warned;
    /** Counted on the timer's thread, read by a metrics scrape. */
    private final AtomicLong collections = new AtomicLong();

    ResidentMemoryWatch(long limit, LongSupplier residentBytes, Runnable collect, boolean scheduled) {
        this.limit = limit;
        this.residentBytes = residentBytes;
        this.collect = collect;
        this.timer = scheduled ? Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fmnist-memory-watch");
            thread.setDaemon(true);
            return thread;
        }) : null;
        if (timer != null) {
            timer.scheduleWithFixedDelay(this::lookSafely, PERIOD.toMillis(), PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The limit the launcher asked this watch to keep ({@value #LIMIT_PROPERTY}), when JavaCPP's own check is off;
     * empty when JavaCPP checks or nothing was asked.
     *
     * @throws IllegalArgumentException for a limit JavaCPP's notation cannot read
     */
    public static OptionalLong askedLimit() {
        return askedLimit(System.getProperty(LIMIT_PROPERTY), Pointer.maxPhysicalBytes());
    }

    static OptionalLong askedLimit(String value, long javacppLimit) {
        if (value == null || value.isBlank() || javacppLimit > 0) {
            return OptionalLong.empty();
        }
        long limit;
        try {
            limit = Pointer.parseBytes(value.trim(), Runtime.getRuntime().maxMemory());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(LIMIT_PROPERTY + "=" + value + " is not a size (7g, 500m, bytes)");
        }
        return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
    }

    /** Watches this process's resident size against {@code limit} bytes until closed. */
    public static ResidentMemoryWatch start(long limit) {
        return new ResidentMemoryWatch(limit, Pointer::physicalBytes, ResidentMemoryWatch::collectAndSettle, true);
    }

    private static void collectAndSettle() {
        System.gc();
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long limit() {
        return limit;
    }

    /** The collections this watch has asked for so far. */
    public long collections() {
        return collections.get();
    }

    /** A look that cannot end the timer: a scheduled task that throws is never run again. */
    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException e) {
            LOG.warn("the resident-size watch could not read the size: {}", e.toString());
        }
    }

    /**
     * One look: above the limit, a collection (at most one every {@value #LOOKS_BETWEEN_COLLECTIONS} looks), and a
     * warning when it leaves the size above, once until the size is back under.
     */
    void look() {
        looksSinceCollection++;
        long resident = residentBytes.getAsLong();
        if (resident <= limit) {
            if (warned) {
                LOG.info("resident size {} is back under the limit {}", Pointer.formatBytes(resident),
                        Pointer.formatBytes(limit));
            }
            warned = false;
            return;
        }
        if (looksSinceCollection < LOOKS_BETWEEN_COLLECTIONS) {
            return;
        }
        collect.run();
        collections.incrementAndGet();
        looksSinceCollection = 0;
        long after = residentBytes.getAsLong();
        if (after > limit && !warned) {
            LOG.warn("resident size {} stays above the limit {} ({}) after a garbage collection: the process holds "
                    + "that much; raise the limit or serve fewer models", Pointer.formatBytes(after),
                    Pointer.formatBytes(limit), LIMIT_PROPERTY);
            warned = true;
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
