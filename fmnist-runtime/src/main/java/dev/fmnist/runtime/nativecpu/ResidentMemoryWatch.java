package dev.fmnist.runtime.nativecpu;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JavaCPP's guard on the process's resident size, taken off the allocation path. With
 * {@code org.bytedeco.javacpp.maxphysicalbytes} set, JavaCPP reads the resident size at every allocation, and ND4J
 * allocates a few for every op: a server answering one image at a time paid it on each request (a fifth of the cnn's
 * batch-1 pass, docs/BENCHMARKS.md). The launcher turns that off for {@code serve} and names the limit in
 * {@value #LIMIT_PROPERTY} instead; this watch reads the size four times a second and, above the limit, does what
 * JavaCPP did first: a garbage collection, which frees the tensors of ND4J that nothing references any more.
 * What it cannot do is JavaCPP's last step, failing the allocation that crossed the limit: the process is told in
 * the log instead.
 */
public final class ResidentMemoryWatch implements AutoCloseable {

    /** The launcher's limit for this watch, in JavaCPP's notation (7g, 500m, bytes). */
    public static final String LIMIT_PROPERTY = "fmnist.watch.maxphysicalbytes";

    static final Duration PERIOD = Duration.ofMillis(250);

    /** Looks skipped after a collection that left the size above the limit (ten seconds): each one is a full one. */
    static final int QUIET_LOOKS = 40;

    private static final Logger LOG = LoggerFactory.getLogger(ResidentMemoryWatch.class);

    private final long limit;
    private final LongSupplier residentBytes;
    private final Runnable collect;
    private final ScheduledExecutorService timer;
    private boolean above;
    private int quietLooks;

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
            timer.scheduleWithFixedDelay(this::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
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
        return new ResidentMemoryWatch(limit, Pointer::physicalBytes, System::gc, true);
    }

    public long limit() {
        return limit;
    }

    /**
     * One look: above the limit, a collection, and a warning when one is not enough (then another collection
     * only every {@value #QUIET_LOOKS} looks while the size stays above).
     */
    void check() {
        long resident = residentBytes.getAsLong();
        if (resident <= limit) {
            if (above) {
                LOG.info("resident size {} is back under the limit {}", Pointer.formatBytes(resident),
                        Pointer.formatBytes(limit));
            }
            above = false;
            return;
        }
        if (above && --quietLooks > 0) {
            return;
        }
        collect.run();
        long after = residentBytes.getAsLong();
        if (after > limit && !above) {
            LOG.warn("resident size {} stays above the limit {} ({}) after a garbage collection: the process holds "
                    + "that much; raise the limit or serve fewer models", Pointer.formatBytes(after),
                    Pointer.formatBytes(limit), LIMIT_PROPERTY);
        }
        above = after > limit;
        quietLooks = QUIET_LOOKS;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
