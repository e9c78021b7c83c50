package dev.fmnist.server.batch;

/**
 * When a request's images waited and ran on the model's thread, and with how many others: what a trace shows of the
 * batching. Filled by the model's thread before it completes the request's answer, which publishes it.
 */
public final class BatchTiming {

    private long queuedNanos;
    private long startedNanos;
    private long endedNanos;
    private int images;
    private int requests;

    void queued(long nanos) {
        queuedNanos = nanos;
    }

    void ran(long started, long ended, int batchImages, int batchRequests) {
        startedNanos = started;
        endedNanos = ended;
        images = batchImages;
        requests = batchRequests;
    }

    /** When it was queued, in {@link System#nanoTime()}. */
    public long queuedNanos() {
        return queuedNanos;
    }

    /** When the forward pass it ran in started. */
    public long startedNanos() {
        return startedNanos;
    }

    public long endedNanos() {
        return endedNanos;
    }

    /** Images in the forward pass, its own included. */
    public int images() {
        return images;
    }

    /** Requests in the forward pass, its own included. */
    public int requests() {
        return requests;
    }
}
