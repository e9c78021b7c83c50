package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.fmnist.server.grpc.protocol.InferParameter;
import dev.fmnist.server.grpc.protocol.InferTensorContents;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import dev.fmnist.server.grpc.protocol.ModelInferResponse;
import dev.fmnist.server.grpc.protocol.ModelMetadataRequest;
import dev.fmnist.server.grpc.protocol.ModelReadyRequest;
import dev.fmnist.server.grpc.protocol.ServerLiveRequest;
import dev.fmnist.server.grpc.protocol.ServerMetadataRequest;
import dev.fmnist.server.grpc.protocol.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Open Inference Protocol's gRPC service, called by a real generated client, against the REST routes. */
@Tag("dataset")
class GrpcServiceTest {

    private static final int IMAGES = 5;
    private static final String KEY = "s3cret";

    static PredictionServer server;
    static ManagedChannel channel;
    static GRPCInferenceServiceBlockingStub anonymous;
    static GRPCInferenceServiceBlockingStub client;
    static Http http;
    static LabelledImages test;

    @BeforeAll
    static void start() {
        test = RealDataset.get().dataset().testImages();
        server = PredictionServer.start(ServerConfig.defaults().withPort(0).withGrpcPort(0).withApiKey(KEY),
                List.of(new ModelSource("cnn", TestModels.cnn())), "test");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow()).usePlaintext().build();
        anonymous = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        Metadata key = new Metadata();
        key.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY);
        client = anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(key));
        http = new Http(server.port()).withKey(KEY);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static byte[] pixels() {
        byte[] bytes = new byte[IMAGES * 784];
        for (int i = 0; i < IMAGES; i++) {
            for (int p = 0; p < 784; p++) {
                bytes[i * 784 + p] = (byte) test.pixel(i, p);
            }
        }
        return bytes;
    }

    private static ModelInferRequest.InferInputTensor.Builder input(String datatype) {
        return ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype(datatype)
                .addShape(IMAGES).addShape(1).addShape(28).addShape(28);
    }

    private static float[] restProbabilities() {
        JsonArray unit = new JsonArray();
        for (byte b : pixels()) {
            unit.add(Byte.toUnsignedInt(b) / 255f);
        }
        JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
                .put("datatype", "FP32").put("shape", new JsonArray().add(IMAGES).add(1).add(28).add(28))
                .put("data", unit)));
        Http.Response response = http.postJson("/v2/models/cnn/infer", request);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonArray data = response.json().getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getFloat(i);
        }
        return values;
    }

    @Test
    void modelInferMatchesRestInferAndUint8MatchesFp32() {
        float[] rest = restProbabilities();
        InferTensorContents.Builder fp32 = InferTensorContents.newBuilder();
        InferTensorContents.Builder uint8 = InferTensorContents.newBuilder();
        for (byte b : pixels()) {
            fp32.addFp32Contents(Byte.toUnsignedInt(b) / 255f);
            uint8.addUintContents(Byte.toUnsignedInt(b));
        }
        ModelInferResponse typed = client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn").setId("req-1")
                .addInputs(input("FP32").setContents(fp32)).build());
        assertThat(typed.getModelName()).isEqualTo("cnn");
        assertThat(typed.getId()).isEqualTo("req-1");
        assertThat(typed.getOutputs(0).getName()).isEqualTo("probabilities");
        assertThat(typed.getOutputs(0).getShapeList()).containsExactly((long) IMAGES, 10L);
        float[] grpc = new float[IMAGES * 10];
        for (int i = 0; i < grpc.length; i++) {
            grpc[i] = typed.getOutputs(0).getContents().getFp32Contents(i);
        }
        assertThat(grpc).containsExactly(rest);
        List<String> labels = typed.getOutputs(1).getContents().getBytesContentsList().stream()
                .map(ByteString::toStringUtf8).toList();
        assertThat(labels).hasSize(IMAGES).allMatch(label -> !label.isEmpty());

        ModelInferResponse typedUint8 = client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("UINT8").setContents(uint8)).build());
        assertThat(typedUint8.getOutputs(1).getContents().getBytesContentsList().stream()
                .map(ByteString::toStringUtf8).toList()).isEqualTo(labels);

        // raw bytes in (784 per image), raw bytes out, as Triton's clients send and read them
        ModelInferResponse raw = client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("UINT8")).addRawInputContents(ByteString.copyFrom(pixels())).build());
        assertThat(raw.getRawOutputContentsCount()).isEqualTo(2);
        float[] rawProbabilities = new float[IMAGES * 10];
        raw.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(rawProbabilities);
        for (int i = 0; i < rawProbabilities.length; i++) {
            assertThat(rawProbabilities[i]).isCloseTo(rest[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
        ByteBuffer rawLabels = raw.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<String> decoded = new ArrayList<>();
        while (rawLabels.hasRemaining()) {
            byte[] text = new byte[rawLabels.getInt()];
            rawLabels.get(text);
            decoded.add(new String(text, StandardCharsets.UTF_8));
        }
        assertThat(decoded).isEqualTo(labels);
    }

    @Test
    void classificationOutputAsTheExtensionWritesIt() {
        InferTensorContents.Builder uint8 = InferTensorContents.newBuilder();
        for (byte b : pixels()) {
            uint8.addUintContents(Byte.toUnsignedInt(b));
        }
        ModelInferResponse response = client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("UINT8").setContents(uint8))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("probabilities")
                        .putParameters("classification", InferParameter.newBuilder().setInt64Param(2).build()))
                .build());
        assertThat(response.getOutputsCount()).isEqualTo(1);
        assertThat(response.getOutputs(0).getShapeList()).containsExactly((long) IMAGES, 2L);
        assertThat(response.getOutputs(0).getContents().getBytesContents(0).toStringUtf8())
                .matches("0\\.\\d{6}:\\d:.+");
    }

    @Test
    void healthAndMetadataCallsAnswerAsRestDoes() {
        assertThat(anonymous.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(anonymous.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        // as over REST, a model's readiness needs the key: it would tell a stranger which models exist
        assertThatThrownBy(() -> anonymous.modelReady(ModelReadyRequest.newBuilder().setName("cnn").build()))
                .isInstanceOf(io.grpc.StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED");
        assertThat(client.modelReady(ModelReadyRequest.newBuilder().setName("cnn").build()).getReady()).isTrue();
        assertThat(client.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName()).isEqualTo("fmnist");
        var metadata = client.modelMetadata(ModelMetadataRequest.newBuilder().setName("cnn").build());
        JsonObject rest = http.get("/v2/models/cnn").json();
        assertThat(metadata.getVersions(0)).isEqualTo(rest.getJsonArray("versions").getString(0));
        assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 1L, 28L, 28L);
        assertThat(metadata.getOutputs(0).getShapeList()).containsExactly(-1L, 10L);
    }

    @Test
    void theApiKeyLimitsAndErrorsAreTheRestOnes() {
        assertThatThrownBy(() -> anonymous.serverMetadata(ServerMetadataRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains("authorization: Bearer KEY");
                });
        assertThatThrownBy(() -> client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(783)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("shape [1, 783]");
                });
        assertThatThrownBy(() -> client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("UINT8")).addRawInputContents(ByteString.copyFrom(new byte[10])).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getDescription()).contains("needs 3920 bytes"));
        assertThatThrownBy(() -> client.modelInfer(ModelInferRequest.newBuilder().setModelName("densenet").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("fmnist_grpc_calls_seconds_count{code=\"INVALID_ARGUMENT\",method=\"ModelInfer\"}")
                .contains("code=\"UNAUTHENTICATED\"");
    }

    /** A hostile client over gRPC: every call completes with the protocol's code, none leaves the client waiting. */
    @Test
    void outOfRangeOversizedAndManyConcurrentCallsAllComplete() throws Exception {
        InferTensorContents.Builder far = InferTensorContents.newBuilder();
        for (int i = 0; i < IMAGES * 784; i++) {
            far.addFp32Contents(i == 7 ? 1e30f : 0.5f);
        }
        assertThatThrownBy(() -> client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("FP32").setContents(far)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("at element 7")
                            .contains("FP32 pixels are in [0, 1]");
                });
        // raw FP32 contents one float short, and a message over the limit (8 MB)
        assertThatThrownBy(() -> client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("FP32")).addRawInputContents(ByteString.copyFrom(new byte[IMAGES * 784 * 4 - 4]))
                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> client.modelInfer(ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("UINT8")).addRawInputContents(ByteString.copyFrom(new byte[9 * 1024 * 1024]))
                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub async = GRPCInferenceServiceGrpc.newFutureStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(keyMetadata()))
                .withDeadlineAfter(120, TimeUnit.SECONDS);
        ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("cnn")
                .addInputs(input("UINT8")).addRawInputContents(ByteString.copyFrom(pixels())).build();
        List<com.google.common.util.concurrent.ListenableFuture<ModelInferResponse>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(async.modelInfer(request));
        }
        int answered = 0;
        for (var call : calls) {
            try {
                call.get(120, TimeUnit.SECONDS);
                answered++;
            } catch (java.util.concurrent.ExecutionException e) {
                // a full queue is an answer too: UNAVAILABLE, never a hang
                assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
                        .isEqualTo(Status.Code.UNAVAILABLE);
            }
        }
        assertThat(answered).as("calls answered with probabilities").isPositive();
        assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
    }

    private static Metadata keyMetadata() {
        Metadata key = new Metadata();
        key.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY);
        return key;
    }
}
