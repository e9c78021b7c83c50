package dev.fmnist.cli.bench;

import com.google.protobuf.ByteString;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.bench.LoadGenerator.Call;
import dev.fmnist.bench.LoadGenerator.Cell;
import dev.fmnist.bench.LoadGenerator;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The real server on loopback under {@link LoadGenerator}'s closed-loop clients: infer (JSON FP32, binary UINT8,
 * gRPC UINT8) and the image endpoint with batching on and off, against the trivial route's rate at the same
 * concurrency.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Requests/s and p50/p99 latency of the server for infer (JSON, binary, gRPC), the image "
                + "endpoint and a trivial route.")
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


    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || concurrency.stream().anyMatch(c -> c < 1 || c > 512)) {
            throw new UserError("--seconds must be at least 1 and each concurrency 1..512");
        }
        var injector = Bootstrap.injector(options);
        ServerConfig base = injector.getInstance(ServerConfig.class).withPort(0).withLimits(8L << 20, 40_000_000,
                64, 4096, 30_000);
        LabelledImages test = injector.getInstance(DataSource.class).testImages();
        Call infer = new Call("POST", "/v2/models/m/infer", "application/json", inferBody(test));
        Call image = new Call("POST", "/v2/models/m/classify", "image/png", DatasetImages.png(test, 0));
        Call trivial = new Call("GET", "/v2/health/live", null, null);
        byte[] header = ("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"UINT8\","
                + "\"parameters\":{\"binary_data_size\":784}}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] pixels = pixels(test);
        byte[] binaryBody = java.util.Arrays.copyOf(header, header.length + pixels.length);
        System.arraycopy(pixels, 0, binaryBody, header.length, pixels.length);
        Call binary = new Call("POST", "/v2/models/m/infer", "application/octet-stream", binaryBody,
                List.of("Inference-Header-Content-Length", Integer.toString(header.length)));
        ModelInferRequest grpcRequest = ModelInferRequest.newBuilder().setModelName("m")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("UINT8")
                        .addShape(1).addShape(784))
                .addRawInputContents(ByteString.copyFrom(pixels)).build();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-18s %-9s %11s %10s %10s %10s%n", "route", "batching", "concurrency", "req/s", "p50 ms", "p99 ms");
        java.util.Map<Integer, Double> ceiling = new java.util.HashMap<>();
        List<String> ratios = new ArrayList<>();
        for (boolean batching : new boolean[] {true, false}) {
            try (PredictionServer server = BenchServer.start(base.withBatching(batching).withGrpcPort(0), run,
                    injector.getInstance(PluginClasses.class))) {
                LoadGenerator load = new LoadGenerator("http://127.0.0.1:" + server.port());
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow())
                        .usePlaintext().build();
                GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                        GRPCInferenceServiceGrpc.newBlockingStub(channel);
                BooleanSupplier grpc = () -> {
                    try {
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(grpcRequest);
                        return true;
                    } catch (StatusRuntimeException e) {
                        return false;
                    }
                };
                // warm-up of every kind of call: JIT, the network's workspaces, connections
                for (Call call : List.of(infer, image, binary)) {
                    load.measure(call, 8, 3);
                }
                LoadGenerator.measure(grpc, 8, 3);
                for (int c : concurrency) {
                    if (batching) {
                        Cell cell = load.measure(trivial, c, seconds);
                        ceiling.put(c, cell.requestsPerSecond());
                        print(out, "GET /v2/health/live", "-", c, cell);
                    }
                    Cell inferCell = load.measure(infer, c, seconds);
                    print(out, "POST infer", batching ? "on" : "off", c, inferCell);
                    Cell imageCell = load.measure(image, c, seconds);
                    print(out, "POST classify", batching ? "on" : "off", c, imageCell);
                    print(out, "POST infer binary", batching ? "on" : "off", c, load.measure(binary, c, seconds));
                    print(out, "gRPC ModelInfer", batching ? "on" : "off", c, LoadGenerator.measure(grpc, c, seconds));
                    double ceilingRate = Math.max(ceiling.getOrDefault(c, 1.0), 1.0);
                    ratios.add(String.format(Locale.ROOT,
                            "c=%d batching %s: infer %.1f%%, classify %.1f%% of the trivial route at the same concurrency",
                            c, batching ? "on" : "off", 100 * inferCell.requestsPerSecond() / ceilingRate,
                            100 * imageCell.requestsPerSecond() / ceilingRate));
                }
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
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

    /** The first test image's 784 raw pixels: a UINT8 tensor. */
    private static byte[] pixels(LabelledImages test) {
        byte[] pixels = new byte[784];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = (byte) test.pixel(0, p);
        }
        return pixels;
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
