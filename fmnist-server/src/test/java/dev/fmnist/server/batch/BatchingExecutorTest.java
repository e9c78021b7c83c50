package dev.fmnist.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("dataset")
class BatchingExecutorTest {

    /**
     * A request that timed out while it waited (its future completed by {@code orTimeout}) gets no forward pass.
     * The batch waits up to 5 s for four images, so the timed-out one is in it before it closes, whatever the
     * machine's speed.
     */
    @Test
    void aRequestThatTimedOutWhileItWaitedIsSkipped() throws Exception {
        Predictor predictor = Predictor.load(new RunDirectory(TestModels.mlp()).model());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BatchingExecutor executor = new BatchingExecutor("m", "1", predictor, 4, 5_000, 16, true, registry);
        try {
            EncodedBatch image = new EncodedBatch(new float[predictor.encoder().pixels()], 1);
            CompletableFuture<float[][]> first = executor.submit(image);
            CompletableFuture<float[][]> late = executor.submit(image);
            late.completeExceptionally(new TimeoutException("as orTimeout does"));
            CompletableFuture<float[][]> third = executor.submit(image);
            CompletableFuture<float[][]> fourth = executor.submit(image);
            for (CompletableFuture<float[][]> answered : new CompletableFuture[] {first, third, fourth}) {
                assertThat(answered.get(30, TimeUnit.SECONDS)).hasDimensions(1, 10);
            }
            assertThat(registry.get("fmnist.requests.skipped").counter().count()).isEqualTo(1);
            assertThat(registry.get("fmnist.batch.size").summary().totalAmount()).as("images run").isEqualTo(3);
        } finally {
            executor.close(1_000);
        }
    }

    /** Warm-up passes run on the model's thread, are timed as such, and are not counted as the model's batches. */
    @Test
    void warmUpPassesAreTimedAndLeftOutOfTheBatchMetrics() {
        Predictor predictor = Predictor.load(new RunDirectory(TestModels.mlp()).model());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BatchingExecutor executor = new BatchingExecutor("m", "1", predictor, 8, 5_000, 2, true, registry);
        try {
            // sizes 1, 2, 4, 8 and an embedding pass, one at a time: a queue of two is enough
            assertThat(WarmUp.run(executor, true)).isPositive();
            assertThat(registry.get("fmnist.model.warmup").timer().count()).isEqualTo(1);
            assertThat(registry.get("fmnist.batch.size").summary().count()).as("batches counted").isZero();
            assertThat(registry.get("fmnist.forward.pass").timer().count()).as("passes counted").isZero();
            EncodedBatch image = new EncodedBatch(new float[predictor.encoder().pixels()], 1);
            assertThat(executor.submit(image).join()).hasDimensions(1, 10);
            assertThat(registry.get("fmnist.batch.size").summary().count()).as("a request's batch").isEqualTo(1);
        } finally {
            executor.close(1_000);
        }
    }
}
