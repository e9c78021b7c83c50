package dev.fmnist.server.batch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.fmnist.runtime.model.Acceptance;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batcher's metrics, tagged with its model and version so that a reloaded model's series start afresh while the
 * version it replaces finishes its requests: images per forward pass, the passes' time, the queue's depth and the
 * requests in flight, the requests skipped because they had timed out, the warm-up before the model served, and
 * what its answers look like (the top probability of each, and how many were accepted): a canary's live figures
 * beside those of the version it may replace.
 */
final class BatcherMeters {

    private final MeterRegistry registry;
    private final DistributionSummary batchSizes;
    private final Timer forwardPasses;
    private final Counter skipped;
    private final Timer warmUp;
    private final DistributionSummary confidence;
    private final Counter accepted;
    private final String model;
    private final String version;
    private final List<Meter> all;
    private volatile List<Gauge> gauges;

    BatcherMeters(String model, String version, Queue<?> queue, AtomicInteger inFlight, MeterRegistry registry) {
        this.registry = registry;
        this.model = model;
        this.version = version;
        this.batchSizes = DistributionSummary.builder("fmnist.batch.size").tags("model", model, "version", version)
                .description("images per forward pass").publishPercentileHistogram().register(registry);
        this.forwardPasses = Timer.builder("fmnist.forward.pass").tags("model", model, "version", version)
                .description("time of one forward pass").publishPercentileHistogram().register(registry);
        this.skipped = Counter.builder("fmnist.requests.skipped").tags("model", model, "version", version)
                .description("requests that timed out before their forward pass, which was then skipped")
                .register(registry);
        this.warmUp = Timer.builder("fmnist.model.warmup").tags("model", model, "version", version)
                .description("the forward passes run before the model served").register(registry);
        this.confidence = DistributionSummary.builder("fmnist.answer.confidence").tags("model", model, "version",
                version).description("the top class probability of each image answered")
                .serviceLevelObjectives(0.5, 0.8, 0.9, 0.95, 0.99).register(registry);
        this.accepted = Counter.builder("fmnist.answers.accepted").tags("model", model, "version", version)
                .description("images answered at or above the model's acceptance threshold").register(registry);
        this.all = List.of(batchSizes, forwardPasses, skipped, warmUp, confidence, accepted);
        this.gauges = gauges(queue, inFlight);
    }

    private List<Gauge> gauges(Queue<?> queue, AtomicInteger inFlight) {
        return List.of(Gauge.builder("fmnist.queue.depth", queue, Queue::size).tags("model", model, "version", version)
                        .description("requests waiting for the model").register(registry),
                Gauge.builder("fmnist.requests.in.flight", inFlight, AtomicInteger::get)
                        .tags("model", model, "version", version)
                        .description("requests counted in with the model and not answered yet").register(registry));
    }

    /** The gauges read this queue and count from now on (a gauge keeps the object it was first registered with). */
    void rebindGauges(Queue<?> queue, AtomicInteger inFlight) {
        gauges.forEach(registry::remove);
        gauges = gauges(queue, inFlight);
    }

    void forwardPass(long nanos, int images) {
        forwardPasses.record(nanos, TimeUnit.NANOSECONDS);
        batchSizes.record(images);
    }

    /** Each image's top probability, and whether the model's acceptance threshold (if any) accepts it. */
    void answers(float[][] probabilities, Optional<Acceptance> acceptance) {
        for (float[] image : probabilities) {
            float top = 0;
            for (float p : image) {
                top = Math.max(top, p);
            }
            confidence.record(top);
            if (acceptance.isPresent() && acceptance.get().accepts(top)) {
                accepted.increment();
            }
        }
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
        gauges.forEach(registry::remove);
    }
}
