package dev.fmnist.server.batch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A batcher's metrics, tagged with its model and version so that a reloaded model's series start afresh while the
 * version it replaces finishes its requests: images per forward pass, the passes' time, the queue's depth, the
 * requests skipped because they had timed out, and the warm-up before the model served.
 */
final class BatcherMeters {

    private final MeterRegistry registry;
    private final DistributionSummary batchSizes;
    private final Timer forwardPasses;
    private final Counter skipped;
    private final Timer warmUp;
    private final List<Meter> all;

    BatcherMeters(String model, String version, Queue<?> queue, MeterRegistry registry) {
        this.registry = registry;
        this.batchSizes = DistributionSummary.builder("fmnist.batch.size").tags("model", model, "version", version)
                .description("images per forward pass").publishPercentileHistogram().register(registry);
        this.forwardPasses = Timer.builder("fmnist.forward.pass").tags("model", model, "version", version)
                .description("time of one forward pass").publishPercentileHistogram().register(registry);
        Gauge depth = Gauge.builder("fmnist.queue.depth", queue, Queue::size).tags("model", model, "version", version)
                .description("requests waiting for the model").register(registry);
        this.skipped = Counter.builder("fmnist.requests.skipped").tags("model", model, "version", version)
                .description("requests that timed out before their forward pass, which was then skipped")
                .register(registry);
        this.warmUp = Timer.builder("fmnist.model.warmup").tags("model", model, "version", version)
                .description("the forward passes run before the model served").register(registry);
        this.all = List.of(batchSizes, forwardPasses, depth, skipped, warmUp);
    }

    void forwardPass(long nanos, int images) {
        forwardPasses.record(nanos, TimeUnit.NANOSECONDS);
        batchSizes.record(images);
    }

    void warmUp(java.time.Duration took) {
        warmUp.record(took);
    }

    void skipped(int requests) {
        skipped.increment(requests);
    }

    /** Takes the series away: the model is unloaded. */
    void remove() {
        all.forEach(registry::remove);
    }
}
