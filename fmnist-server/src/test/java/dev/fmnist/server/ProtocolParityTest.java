package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.server.grpc.GrpcStatuses;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.InferParameter;
import dev.fmnist.server.grpc.protocol.InferTensorContents;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import dev.fmnist.server.grpc.protocol.ModelInferResponse;
import dev.fmnist.server.http.HttpErrors;
import dev.fmnist.server.inference.ServingError.Kind;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of inference requests sent over REST (JSON) and over gRPC (typed contents): the same outputs, or the
 * same error kind (its HTTP status and its gRPC code) with the same sentence.
 */
@Tag("dataset")
class ProtocolParityTest {

    private static final int MAX_BATCH = 4;

    static PredictionServer server;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc;
    static Http http;

    @BeforeAll
    static void start() {
        ServerConfig defaults = ServerConfig.defaults();
        server = PredictionServer.start(defaults.withPort(0).withGrpcPort(0).withLimits(defaults.maxBodyBytes(),
                        defaults.maxImagePixels(), MAX_BATCH, defaults.queueCapacity(), defaults.timeoutMillis()),
                List.of(new ModelSource("cnn", TestModels.cnn())), "test");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow()).usePlaintext().build();
        grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    /**
     * A request in neither protocol's words.
     *
     * @param outputs     requested outputs by name, with their classification top-k (0: the plain tensor); empty: all
     * @param error       the kind it fails with; null when it succeeds
     * @param sameMessage whether both protocols say it in the same sentence (a count names its protocol's field)
     */
    record Case(String title, String model, String version, String datatype, long[] shape, double[] values,
            Map<String, Integer> outputs, Kind error, boolean sameMessage) {

        @Override
        public String toString() {
            return title;
        }
    }

    private static double[] pixels(int images, double scale) {
        double[] values = new double[images * 784];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.round((i * 37 % 256) * scale * 1e4) / 1e4;
        }
        return values;
    }

    private static double[] with(double[] values, int at, double value) {
        double[] changed = values.clone();
        changed[at] = value;
        return changed;
    }

    private static Case ok(String title, String datatype, long[] shape, double[] values, Map<String, Integer> outputs) {
        return new Case(title, "cnn", "", datatype, shape, values, outputs, null, true);
    }

    private static Case fails(String title, String model, String version, String datatype, long[] shape,
            double[] values, Map<String, Integer> outputs, Kind error) {
        return new Case(title, model, version, datatype, shape, values, outputs, error, true);
    }

    static Stream<Case> cases() {
        long[] two = {2, 1, 28, 28};
        double[] unit = pixels(2, 1 / 255.0);
        double[] bytes = pixels(2, 1);
        Map<String, Integer> all = Map.of();
        Map<String, Integer> top3 = new LinkedHashMap<>(Map.of("probabilities", 3));
        top3.put("label", 0);
        return Stream.of(
                ok("FP32 pictures, every output", "FP32", two, unit, all),
                ok("UINT8 flat rows, the top 3 and the label", "UINT8", new long[] {2, 784}, bytes, top3),
                ok("the label alone", "UINT8", two, bytes, Map.of("label", 0)),
                fails("an unknown model", "shoes", "", "FP32", two, unit, all, Kind.NOT_FOUND),
                fails("an unknown version", "cnn", "7", "FP32", two, unit, all, Kind.NOT_FOUND),
                fails("a datatype the model does not take", "cnn", "", "INT32", two, unit, all, Kind.INVALID_INPUT),
                fails("a shape of another image", "cnn", "", "FP32", new long[] {2, 1, 27, 28}, unit, all,
                        Kind.INVALID_INPUT),
                fails("no image", "cnn", "", "FP32", new long[] {0, 784}, new double[0], all, Kind.INVALID_INPUT),
                fails("more images than a forward pass takes", "cnn", "", "UINT8", new long[] {MAX_BATCH + 1, 784},
                        pixels(MAX_BATCH + 1, 1), all, Kind.INVALID_INPUT),
                fails("an FP32 pixel above 1", "cnn", "", "FP32", two, with(unit, 5, 1.5), all, Kind.INVALID_INPUT),
                fails("a UINT8 pixel above 255", "cnn", "", "UINT8", two, with(bytes, 9, 300), all,
                        Kind.INVALID_INPUT),
                new Case("fewer values than the shape needs", "cnn", "", "FP32", two, Arrays.copyOf(unit, 784), all,
                        Kind.INVALID_INPUT, false),
                fails("an output the model does not have", "cnn", "", "FP32", two, unit, Map.of("logits", 0),
                        Kind.INVALID_INPUT),
                fails("a classification of 0", "cnn", "", "FP32", two, unit, Map.of("probabilities", -1),
                        Kind.INVALID_INPUT));
    }

    /** What an answer holds, as both protocols can say it: each output's name, datatype, shape and data. */
    record Output(String name, String datatype, List<Long> shape, List<Object> data) {}

    /** An answer: its outputs, or its error. */
    record Answer(List<Output> outputs, int httpStatus, io.grpc.Status.Code grpcCode, String error) {}

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void restAndGrpcAnswerAlike(Case c) {
        Answer rest = rest(c);
        Answer overGrpc = grpc(c);
        if (c.error() == null) {
            assertThat(rest.error()).as("REST's error").isNull();
            assertThat(overGrpc.error()).as("gRPC's error").isNull();
            assertThat(overGrpc.outputs()).isEqualTo(rest.outputs()).isNotEmpty();
            return;
        }
        assertThat(rest.httpStatus()).as(rest.error()).isEqualTo(HttpErrors.status(c.error()));
        assertThat(overGrpc.grpcCode()).as(overGrpc.error()).isEqualTo(GrpcStatuses.code(c.error()));
        if (c.sameMessage()) {
            assertThat(overGrpc.error()).isEqualTo(rest.error());
        }
    }

    private static Answer rest(Case c) {
        JsonObject input = new JsonObject().put("name", "input").put("datatype", c.datatype())
                .put("shape", new JsonArray(Arrays.stream(c.shape()).boxed().toList()))
                .put("data", new JsonArray(Arrays.stream(c.values()).boxed().toList()));
        JsonObject request = new JsonObject().put("inputs", new JsonArray().add(input));
        if (!c.outputs().isEmpty()) {
            JsonArray outputs = new JsonArray();
            c.outputs().forEach((name, k) -> outputs.add(new JsonObject().put("name", name).put("parameters",
                    k == 0 ? new JsonObject() : new JsonObject().put("classification", Math.max(k, 0)))));
            request.put("outputs", outputs);
        }
        String path = "/v2/models/" + c.model() + (c.version().isEmpty() ? "" : "/versions/" + c.version())
                + "/infer";
        Http.Response response = http.postJson(path, request);
        if (response.status() != 200) {
            return new Answer(List.of(), response.status(), null, response.json().getString("error"));
        }
        List<Output> outputs = new ArrayList<>();
        for (Object value : response.json().getJsonArray("outputs")) {
            JsonObject output = (JsonObject) value;
            boolean fp32 = output.getString("datatype").equals("FP32");
            List<Object> data = output.getJsonArray("data").stream()
                    .map(d -> fp32 ? (Object) ((Number) d).floatValue() : d).toList();
            outputs.add(new Output(output.getString("name"), output.getString("datatype"),
                    output.getJsonArray("shape").stream().map(d -> ((Number) d).longValue()).toList(), data));
        }
        return new Answer(outputs, 200, null, null);
    }

    private static Answer grpc(Case c) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (double v : c.values()) {
            if (c.datatype().equals("UINT8")) {
                contents.addUintContents((int) v);
            } else {
                contents.addFp32Contents((float) v);
            }
        }
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input").setDatatype(c.datatype()).setContents(contents);
        Arrays.stream(c.shape()).forEach(input::addShape);
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(c.model())
                .setModelVersion(c.version()).addInputs(input);
        c.outputs().forEach((name, k) -> {
            var output = ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(name);
            if (k != 0) {
                output.putParameters("classification", InferParameter.newBuilder().setInt64Param(Math.max(k, 0))
                        .build());
            }
            request.addOutputs(output);
        });
        ModelInferResponse response;
        try {
            response = grpc.modelInfer(request.build());
        } catch (StatusRuntimeException e) {
            return new Answer(List.of(), 0, e.getStatus().getCode(), e.getStatus().getDescription());
        }
        List<Output> outputs = new ArrayList<>();
        for (ModelInferResponse.InferOutputTensor output : response.getOutputsList()) {
            List<Object> data = output.getDatatype().equals("FP32")
                    ? output.getContents().getFp32ContentsList().stream().map(f -> (Object) f).toList()
                    : output.getContents().getBytesContentsList().stream().map(b -> (Object) b.toStringUtf8())
                            .toList();
            outputs.add(new Output(output.getName(), output.getDatatype(), output.getShapeList(), data));
        }
        return new Answer(outputs, 0, null, null);
    }
}
