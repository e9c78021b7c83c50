package dev.fmnist.server.batch;

import dev.fmnist.runtime.explain.Explainer;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs a model. Requests wait in a bounded queue; the worker takes the first, then up
 * to {@code maxWait} for more, and runs them as one forward pass of at most {@code maxBatch} images. A DL4J
 * network is not thread-safe, so one worker per model is also what keeps it correct. When the queue is
 * full a request is refused at once ({@link QueueFullException}) instead of piling up.
 *
 * <p>DL4J's {@code ParallelInference} batches too, but blocks one caller thread per request and has no
 * bounded queue that refuses work; a server under load needs both.
 */
public final class BatchingExecutor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchingExecutor.class);

    private final String model;
    private final Predictor predictor;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final boolean batching;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private final BatcherMeters meters;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private volatile boolean busy;
    private volatile Job carried;

    /**
     * @param version tags the metrics beside the model's name, so a reloaded model's series start afresh while the
     *                version it replaces finishes its requests
     */
    public BatchingExecutor(String model, String version, Predictor predictor, int maxBatch, long maxWaitMillis,
            int capacity, boolean batching, MeterRegistry registry) {
        this.model = model;
        this.predictor = predictor;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = batching ? TimeUnit.MILLISECONDS.toNanos(maxWaitMillis) : 0;
        this.batching = batching;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.meters = new BatcherMeters(model, version, queue, inFlight, registry);
        this.worker = new Thread(this::run, "fmnist-model-" + model);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public int maxBatch() {
        return maxBatch;
    }

    /**
     * Queues images for their class probabilities.
     *
     * @throws QueueFullException at once when the queue is full
     */
    public CompletableFuture<float[][]> submit(EncodedBatch batch) {
        return submit(batch, Job.PROBABILITIES, false, null);
    }

    /** {@link #submit(EncodedBatch)}, telling {@code timing} when the images waited and ran, and with how many. */
    public CompletableFuture<float[][]> submit(EncodedBatch batch, BatchTiming timing) {
        return submit(batch, Job.PROBABILITIES, false, timing);
    }

    /**
     * Queues rows for their L2-normalized embeddings ({@link Predictor#embeddings}): on the same thread as every
     * other forward pass of the model, as DL4J networks are not safe for concurrent use.
     *
     * @throws QueueFullException at once when the queue is full
     */
    public CompletableFuture<float[][]> submitEmbedding(EncodedBatch batch) {
        return submit(batch, Job.EMBEDDINGS, false, null);
    }

    /**
     * Queues images for an explanation of each one's class in {@code classes}: a map per image, on the model's
     * thread, run alone (it is many forward passes, or a backward one).
     *
     * @throws QueueFullException at once when the queue is full
     */
    public CompletableFuture<float[][]> submitExplanation(EncodedBatch batch, Explainer explainer, int[] classes) {
        return submit(batch, (predictor, images) -> explainer.maps(predictor, images, classes), false, null);
    }

    /** A warm-up pass ({@link WarmUp}): run alone, left out of the batch metrics. */
    CompletableFuture<float[][]> submitWarmUp(EncodedBatch batch, boolean embed) {
        return submit(batch, embed ? Job.EMBEDDINGS : Job.PROBABILITIES, true, null);
    }

    /** Values per encoded image. */
    int width() {
        return predictor.encoder().pixels();
    }

    void recordWarmUp(Duration took) {
        meters.warmUp(took);
    }

    private CompletableFuture<float[][]> submit(EncodedBatch batch, Job.Pass pass, boolean warmUp,
            BatchTiming timing) {
        if (batch.count() > maxBatch) {
            throw new IllegalArgumentException(batch.count() + " images exceed the batch limit of " + maxBatch);
        }
        CompletableFuture<float[][]> result = new CompletableFuture<>();
        if (timing != null) {
            timing.queued(System.nanoTime());
        }
        if (!running || !queue.offer(new Job(batch, pass, warmUp, result, timing))) {
            throw new QueueFullException("model '" + model + "' has " + queue.size() + " requests waiting; try again shortly");
        }
        return result;
    }

    /**
     * Counts a request in before it does any work for this model, so that {@link #close} lets it finish; false
     * once the model is being unloaded (the caller answers that, and must not call {@link #leave}).
     */
    public boolean enter() {
        inFlight.incrementAndGet();
        if (!accepting) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Requests counted in and not yet answered. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The request counted in by {@link #enter} has been answered. */
    public void leave() {
        inFlight.decrementAndGet();
    }

    private void run() {
        while (running) {
            List<Job> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                break;
            }
            try {
                execute(batch);
            } finally {
                busy = false;
            }
        }
        failAll(new IllegalStateException("the server is shutting down"));
    }

    private List<Job> nextBatch() throws InterruptedException {
        List<Job> batch = new ArrayList<>();
        Job first = carried != null ? carried : queue.take();
        busy = true;
        carried = null;
        batch.add(first);
        int images = first.count();
        if (!batching || first.warmUp()) {
            return batch;
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        while (images < maxBatch) {
            long remaining = deadline - System.nanoTime();
            Job next;
            try {
                next = remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : queue.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopping: run what was taken, then the loop ends
                break;
            }
            if (next == null) {
                break;
            }
            // an explanation's pass is its own (another object), so it runs alone
            if (images + next.count() > maxBatch || next.pass() != first.pass() || next.warmUp()) {
                carried = next;
                break;
            }
            batch.add(next);
            images += next.count();
        }
        return batch;
    }

    private void execute(List<Job> taken) {
        // a request that timed out while it waited has had its 503: under overload, its forward pass would only
        // delay the requests still waiting
        List<Job> batch = taken.stream().filter(job -> !job.result().isDone()).toList();
        meters.skipped(taken.size() - batch.size());
        if (batch.isEmpty()) {
            return;
        }
        int images = batch.stream().mapToInt(Job::count).sum();
        try {
            EncodedBatch joined = EncodedBatch.join(batch.stream().map(Job::batch).toList());
            long started = System.nanoTime();
            float[][] probabilities = batch.get(0).pass().run(predictor, joined);
            long ended = System.nanoTime();
            // an explanation's passes are not one forward pass: the batch metrics leave them out
            Job.Pass pass = batch.get(0).pass();
            if (!batch.get(0).warmUp() && (pass == Job.PROBABILITIES || pass == Job.EMBEDDINGS)) {
                meters.forwardPass(ended - started, images);
            }
            if (!batch.get(0).warmUp() && pass == Job.PROBABILITIES) {
                meters.answers(probabilities, predictor.acceptance());
            }
            for (Job job : batch) {
                if (job.timing() != null) {
                    job.timing().ran(started, ended, images, batch.size());
                }
            }
            int row = 0;
            for (Job job : batch) {
                float[][] part = new float[job.count()][];
                System.arraycopy(probabilities, row, part, 0, job.count());
                row += job.count();
                job.result().complete(part);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("Forward pass of model '{}' on {} images failed", model, images, e);
            batch.forEach(job -> job.result().completeExceptionally(e));
        }
    }

    private void failAll(Throwable reason) {
        if (carried != null) {
            carried.result().completeExceptionally(reason);
        }
        Job job;
        while ((job = queue.poll()) != null) {
            job.result().completeExceptionally(reason);
        }
    }

    /**
     * Takes over the metric series it shares with an executor of the same model and version that it replaces:
     * counters and timers are the same meters (Micrometer hands out one per name and tags), so both record into
     * them; the gauges are bound anew to this executor's queue and requests. The one replaced is then closed with
     * {@code close(grace, false)}, which leaves the series in place.
     */
    public void takeOverMeters() {
        meters.rebindGauges(queue, inFlight);
    }

    /** Takes the model's metric series away (after {@code close(grace, false)}). */
    public void removeMeters() {
        meters.remove();
    }

    /** {@link #close(long)} with 5 s of grace. */
    @Override
    public void close() {
        close(5_000);
    }

    /**
     * Unloads the model: new requests are refused ({@link #enter} is false), those counted in, queued or running
     * finish for up to {@code graceMillis}, then the worker stops and the model's metrics are removed.
     */
    public void close(long graceMillis) {
        close(graceMillis, true);
    }

    /**
     * {@link #close(long)}; {@code removeMeters} false leaves the metric series to the executor that took them
     * over ({@link #takeOverMeters}).
     */
    public void close(long graceMillis, boolean removeMeters) {
        accepting = false;
        long deadline = System.currentTimeMillis() + graceMillis;
        while ((inFlight.get() > 0 || !queue.isEmpty() || carried != null || busy)
                && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        worker.interrupt();
        if (removeMeters) {
            meters.remove();
        }
    }
}
