package dev.fmnist.image;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that images being decoded may take at once, shared by the whole process: each decode reserves what
 * its header says it will allocate before allocating it, and waits while others hold the rest. A thread count
 * alone would not bound it (16 cores decoding 40-megapixel images want 4 GB); small images still decode in
 * parallel. An image larger than the whole budget waits for all of it and decodes alone.
 */
public final class DecodingMemory {

    private static final DecodingMemory SHARED = new DecodingMemory(Runtime.getRuntime().maxMemory() / 4);

    private static final long UNIT = 1024;

    private final Semaphore kibibytes;
    private final int capacity;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    public DecodingMemory(long bytes) {
        this.capacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
        this.kibibytes = new Semaphore(capacity, true);
    }

    /** The process's budget: a quarter of the largest heap, the rest left to models, requests and batches. */
    public static DecodingMemory shared() {
        return SHARED;
    }

    /** Memory held until the reservation is closed. */
    public interface Reservation extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits until {@code bytes} are free or {@code deadlineNanos} ({@link System#nanoTime()}) passes.
     *
     * @throws ImageInputException (TIMED_OUT) when the memory was not free in time
     */
    public Reservation reserve(long bytes, long deadlineNanos, String name) {
        int units = (int) Math.min(capacity, Math.max(1, (bytes + UNIT - 1) / UNIT));
        try {
            if (deadlineNanos == ImagePreprocessor.NO_DEADLINE) {
                kibibytes.acquire(units);
            } else if (!kibibytes.tryAcquire(units, Math.max(0, deadlineNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS)) {
                throw new ImageInputException(ImageInputException.Reason.TIMED_OUT, name + " waited for "
                        + "memory to decode in while other images were decoded, past its deadline; try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageInputException(ImageInputException.Reason.TIMED_OUT, name + " was not decoded: interrupted");
        }
        long now = reserved.addAndGet(units * UNIT);
        peak.accumulateAndGet(now, Math::max);
        return new Reservation() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    reserved.addAndGet(-units * UNIT);
                    kibibytes.release(units);
                }
            }
        };
    }

    public long capacityBytes() {
        return capacity * UNIT;
    }

    /** Bytes reserved by decodes running now. */
    public long reservedBytes() {
        return reserved.get();
    }

    /** The most bytes reserved at once since this budget was made. */
    public long peakBytes() {
        return peak.get();
    }
}
