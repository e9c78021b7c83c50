package dev.fmnist.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GrpcEndpointTest {

    @Test
    void aFullQueueMakesTheHandingThreadRunItsTaskInsteadOfQueueingWithoutEnd() throws Exception {
        ThreadPoolExecutor threads = GrpcEndpoint.callThreads(1, 2);
        CountDownLatch release = new CountDownLatch(1);
        try {
            threads.execute(() -> await(release));
            threads.execute(() -> {});
            threads.execute(() -> {});
            assertThat(threads.getQueue()).hasSize(2);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            threads.execute(() -> ranOn.set(Thread.currentThread()));
            assertThat(ranOn.get()).as("the caller ran the task over the bound").isSameAs(Thread.currentThread());
            assertThat(threads.getQueue()).hasSize(2);
        } finally {
            release.countDown();
            threads.shutdown();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
