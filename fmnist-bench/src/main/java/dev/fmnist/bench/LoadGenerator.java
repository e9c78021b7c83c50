package dev.fmnist.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A closed-loop load generator: C clients each send their next request when the previous one is answered,
 * for a fixed time. Client and server share the machine, so a trivial route's rate is the ceiling the
 * others are compared with.
 */
public final class LoadGenerator {

    /** One request, repeated; {@code headers}: more headers, name then value. */
    public record Call(String method, String path, String contentType, byte[] body, List<String> headers) {

        public Call(String method, String path, String contentType, byte[] body) {
            this(method, path, contentType, body, List.of());
        }
    }

    /** What one cell measured. */
    public record Cell(double requestsPerSecond, double p50Millis, double p99Millis, int errors) {}

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String root;

    /** @param root such as {@code http://127.0.0.1:8080} */
    public LoadGenerator(String root) {
        this.root = root;
    }

    public Cell measure(Call call, int clients, int seconds) throws InterruptedException {
        return measure(() -> send(call), clients, seconds);
    }

    /**
     * {@code clients} threads each calling {@code request} again as soon as it returns, for {@code seconds}: any
     * kind of request (a gRPC call too); it answers whether the request succeeded.
     */
    public static Cell measure(BooleanSupplier request, int clients, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<long[]> latencies = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            long[] mine = new long[200_000];
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < mine.length - 1) {
                    long started = System.nanoTime();
                    if (!request.getAsBoolean()) {
                        errors.incrementAndGet();
                    }
                    mine[n++] = System.nanoTime() - started;
                }
                mine[mine.length - 1] = n;  // the last slot holds the count
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1])).sorted().toArray();
        if (all.length == 0) {
            return new Cell(0, Double.NaN, Double.NaN, errors.get());
        }
        return new Cell(all.length / (double) seconds, all[all.length / 2] / 1e6,
                all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6, errors.get());
    }

    private boolean send(Call call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + call.path()))
                .timeout(Duration.ofSeconds(30));
        if (call.body() != null) {
            request.header("Content-Type", call.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
        }
        for (int i = 0; i + 1 < call.headers().size(); i += 2) {
            request.header(call.headers().get(i), call.headers().get(i + 1));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
