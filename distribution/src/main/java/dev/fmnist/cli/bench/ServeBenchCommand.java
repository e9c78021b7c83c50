package dev.fmnist.cli.bench;

import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.image.DatasetImages;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A closed-loop load generator against the real server on loopback: C clients each send their next
 * request when the previous one is answered, for a fixed time. Client and server share this machine,
 * so the trivial route's rate is the ceiling the others are compared with.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Requests/s and p50/p99 latency of the server for infer, the image endpoint and a trivial route.")
public final class ServeBenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "The run folder to serve.")
    Path run;

    @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per cell (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,16,64", description = "Client counts (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    private record Cell(double requestsPerSecond, double p50Millis, double p99Millis, int errors) {}

    private record Call(String method, String path, String contentType, byte[] body) {}

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || concurrency.stream().anyMatch(c -> c < 1 || c > 512)) {
            throw new UserError("--seconds must be at least 1 and each concurrency 1..512");
        }
        var injector = Bootstrap.injector(options);
        ServerConfig base = injector.getInstance(ServerConfig.class).withPort(0).withLimits(8L << 20, 40_000_000,
                64, 4096, 30_000);
        LabelledImages test = injector.getInstance(FashionMnist.class).dataset().testImages();
        Call infer = new Call("POST", "/v2/models/m/infer", "application/json", inferBody(test));
        Call image = new Call("POST", "/v2/models/m/classify", "image/png", DatasetImages.png(test, 0));
        Call trivial = new Call("GET", "/v2/health/live", null, null);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-18s %-9s %11s %10s %10s %10s%n", "route", "batching", "concurrency", "req/s", "p50 ms", "p99 ms");
        java.util.Map<Integer, Double> ceiling = new java.util.HashMap<>();
        List<String> ratios = new ArrayList<>();
        for (boolean batching : new boolean[] {true, false}) {
            try (PredictionServer server = PredictionServer.start(base.withBatching(batching),
                    List.of(new ModelSource("m", run)), "bench")) {
                if (!server.models().allReady()) {
                    throw new UserError("the model in " + run + " failed to load: "
                            + server.models().all().get(0).failure().orElse(""));
                }
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                String root = "http://127.0.0.1:" + server.port();
                measure(client, root, infer, 4, 2);  // warm-up: JIT, the network's workspaces
                measure(client, root, image, 4, 2);
                for (int c : concurrency) {
                    if (batching) {
                        Cell cell = measure(client, root, trivial, c, seconds);
                        ceiling.put(c, cell.requestsPerSecond());
                        print(out, "GET /v2/health/live", "-", c, cell);
                    }
                    Cell inferCell = measure(client, root, infer, c, seconds);
                    print(out, "POST infer", batching ? "on" : "off", c, inferCell);
                    Cell imageCell = measure(client, root, image, c, seconds);
                    print(out, "POST classify", batching ? "on" : "off", c, imageCell);
                    double ceilingRate = Math.max(ceiling.getOrDefault(c, 1.0), 1.0);
                    ratios.add(String.format(Locale.ROOT,
                            "c=%d batching %s: infer %.1f%%, classify %.1f%% of the trivial route at the same concurrency",
                            c, batching ? "on" : "off", 100 * inferCell.requestsPerSecond() / ceilingRate,
                            100 * imageCell.requestsPerSecond() / ceilingRate));
                }
            }
        }
        out.println();
        ratios.forEach(out::println);
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String route, String batching, int c, Cell cell) {
        out.printf(Locale.ROOT, "%-18s %-9s %11d %,10.0f %10.2f %10.2f%s%n", route, batching, c,
                cell.requestsPerSecond(), cell.p50Millis(), cell.p99Millis(),
                cell.errors() > 0 ? "  (" + cell.errors() + " errors)" : "");
        out.flush();
    }

    private static Cell measure(HttpClient client, String root, Call call, int clients, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<long[]> latencies = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            long[] mine = new long[200_000];
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < mine.length) {
                    long started = System.nanoTime();
                    if (!send(client, root, call)) {
                        errors.incrementAndGet();
                    }
                    mine[n++] = System.nanoTime() - started;
                }
                mine[mine.length - 1] = n;
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

    private static boolean send(HttpClient client, String root, Call call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + call.path()))
                .timeout(Duration.ofSeconds(30));
        if (call.body() != null) {
            request.header("Content-Type", call.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
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

    private static byte[] inferBody(LabelledImages test) {
        StringBuilder data = new StringBuilder();
        for (int p = 0; p < 784; p++) {
            data.append(p == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", test.pixel(0, p) / 255.0));
        }
        return ("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
