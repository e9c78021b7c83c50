package dev.fmnist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The load generator's figures are the requests it made: counted, failed and timed as they were. */
class LoadGeneratorTest {

    @Test
    void theRateIsEveryAnsweredRequestOverTheDurationAndFailuresAreCounted() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();

        LoadGenerator.Cell cell = LoadGenerator.measure(() -> {
            int call = calls.incrementAndGet();
            sleepMillis(2);
            return call % 4 != 0;
        }, 2, 1);

        assertThat(cell.requestsPerSecond()).isEqualTo(calls.get(), within(0.0));
        assertThat(cell.errors()).as("every fourth call failed").isEqualTo(calls.get() / 4);
        // every request slept 2 ms, so no latency is shorter
        assertThat(cell.p50Millis()).isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void aRequestOutlastingTheRunCountsOnceWithItsWholeLatency() throws InterruptedException {
        LoadGenerator.Cell cell = LoadGenerator.measure(() -> {
            sleepMillis(1_200);
            return false;
        }, 1, 1);

        assertThat(cell.requestsPerSecond()).isEqualTo(1.0);
        assertThat(cell.errors()).isEqualTo(1);
        assertThat(cell.p50Millis()).isGreaterThanOrEqualTo(1_200.0);
    }

    @Test
    void overHttpEveryAnsweredRequestCountsAndOnlyNon200AnswersAreErrors() throws IOException, InterruptedException {
        AtomicInteger served = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/v2/models/cnn/infer", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean ok = served.incrementAndGet() % 3 != 0 && new String(body, StandardCharsets.UTF_8).equals("{}");
            if (!ok) {
                refused.incrementAndGet();
            }
            exchange.sendResponseHeaders(ok ? 200 : 503, -1);
            exchange.close();
        });
        server.start();
        try {
            LoadGenerator load = new LoadGenerator("http://127.0.0.1:" + server.getAddress().getPort());
            LoadGenerator.Cell cell = load.measure(new LoadGenerator.Call("POST", "/v2/models/cnn/infer",
                    "application/json", "{}".getBytes(StandardCharsets.UTF_8)), 2, 1);

            assertThat(served.get()).isPositive();
            assertThat(cell.requestsPerSecond()).isEqualTo(served.get(), within(0.0));
            assertThat(cell.errors()).isEqualTo(refused.get());
        } finally {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
