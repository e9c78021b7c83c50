package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.Acceptance.Accepted;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.InferTensorContents;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import dev.fmnist.server.grpc.protocol.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with an acceptance threshold ({@code fmnist threshold}) marks each answer accepted or not, over REST
 * (infer's BOOL output, JSON and binary, and classify) and gRPC, exactly where its top probability reaches the
 * stored threshold; a model without one answers as before and refuses the output by name.
 */
@Tag("dataset")
class AcceptedAnswersTest {

    private static final int IMAGES = 40;

    @TempDir
    static Path dir;

    static PredictionServer server;
    static Http http;
    static ManagedChannel channel;
    static LabelledImages test;
    static double threshold;
    static boolean[] expected;

    @BeforeAll
    static void start() throws IOException {
        test = RealDataset.get().dataset().testImages();
        Path run = dir.resolve("sure");
        Files.createDirectories(run);
        Files.copy(TestModels.mlp().resolve("best.zip"), run.resolve("best.zip"));
        // the median top probability of the images asked about: about half of them accepted
        float[][] probabilities = Predictor.load(run).probabilities(Predictor.load(run).encode(images()));
        double[] top = Arrays.stream(probabilities).mapToDouble(AcceptedAnswersTest::max).sorted().toArray();
        threshold = top[IMAGES / 2];
        Path model = run.resolve("best.zip");
        ModelFile.replaceManifest(model, ModelFile.manifest(model).withAcceptance(new Acceptance(0.99, threshold, 1,
                new Accepted(6000, 3000, 2975))));
        expected = new boolean[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            expected[i] = max(probabilities[i]) >= threshold;
        }
        server = PredictionServer.start(ServerConfig.defaults().withPort(0).withGrpcPort(0),
                List.of(new ModelSource("sure", run), new ModelSource("plain", TestModels.mlp())), "test");
        http = new Http(server.port());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static double max(float[] row) {
        float top = 0;
        for (float p : row) {
            top = Math.max(top, p);
        }
        return top;
    }

    private static List<byte[]> images() {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            byte[] pixels = new byte[784];
            for (int p = 0; p < 784; p++) {
                pixels[p] = (byte) test.pixel(i, p);
            }
            images.add(pixels);
        }
        return images;
    }

    private static JsonObject request(JsonArray outputs) {
        JsonArray data = new JsonArray();
        images().forEach(image -> {
            for (byte b : image) {
                data.add(Byte.toUnsignedInt(b));
            }
        });
        JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
                .put("shape", new JsonArray().add(IMAGES).add(784)).put("datatype", "UINT8").put("data", data)));
        return outputs == null ? request : request.put("outputs", outputs);
    }

    private static boolean[] booleans(JsonArray data) {
        boolean[] values = new boolean[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getBoolean(i);
        }
        return values;
    }

    @Test
    void theAcceptedOutputMarksTheAnswersAtOrAboveTheStoredThreshold() {
        assertThat(expected).as("the images span the threshold").contains(true, false);
        Http.Response metadata = http.get("/v2/models/sure");
        assertThat(OpenApiSchemas.validate("metadata_model_response", metadata.body())).isEmpty();
        assertThat(metadata.json().getJsonArray("outputs").getJsonObject(2).getMap())
                .containsEntry("name", "accepted").containsEntry("datatype", "BOOL");

        Http.Response all = http.postJson("/v2/models/sure/infer", request(null));
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(OpenApiSchemas.validate("inference_response", all.body())).as(all.body()).isEmpty();
        JsonObject accepted = all.json().getJsonArray("outputs").getJsonObject(2);
        assertThat(accepted.getString("name")).isEqualTo("accepted");
        assertThat(accepted.getString("datatype")).isEqualTo("BOOL");
        assertThat(accepted.getJsonArray("shape").getList()).containsExactly(IMAGES);
        assertThat(booleans(accepted.getJsonArray("data"))).containsExactly(expected);

        // asked for alone, as binary data: one byte per answer after the JSON
        Http.RawResponse binary = http.postRaw("/v2/models/sure/infer", request(new JsonArray().add(new JsonObject()
                .put("name", "accepted").put("parameters", new JsonObject().put("binary_data", true))))
                .toBuffer().getBytes(), "Content-Type", "application/json");
        assertThat(binary.status()).isEqualTo(200);
        int jsonLength = Integer.parseInt(binary.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonObject head = new JsonObject(new String(binary.body(), 0, jsonLength, StandardCharsets.UTF_8));
        assertThat(head.getJsonArray("outputs")).hasSize(1);
        assertThat(head.getJsonArray("outputs").getJsonObject(0).getJsonObject("parameters")
                .getInteger("binary_data_size")).isEqualTo(IMAGES);
        for (int i = 0; i < IMAGES; i++) {
            assertThat(binary.body()[jsonLength + i]).as("image %d", i).isEqualTo((byte) (expected[i] ? 1 : 0));
        }
    }

    @Test
    void classifyMarksEachImageAndNamesTheThreshold() throws IOException {
        for (int i = 0; i < 6; i++) {
            Http.Response answer = http.post("/v2/models/sure/classify", "image/png",
                    dev.fmnist.image.DatasetImages.png(test, i));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().getJsonObject("acceptance").getDouble("threshold")).isEqualTo(threshold);
            JsonObject prediction = answer.json().getJsonArray("predictions").getJsonObject(0);
            double top = prediction.getJsonArray("top").getJsonObject(0).getDouble("probability");
            assertThat(prediction.getBoolean("accepted")).as("image %d at %s", i, top).isEqualTo(top >= threshold);
        }
        Http.Response plain = http.post("/v2/models/plain/classify", "image/png",
                dev.fmnist.image.DatasetImages.png(test, 0));
        assertThat(plain.json().containsKey("acceptance")).isFalse();
        assertThat(plain.json().getJsonArray("predictions").getJsonObject(0).containsKey("accepted")).isFalse();
    }

    @Test
    void aModelWithoutAThresholdHasNoAcceptedOutputAndSaysSoWhenAsked() {
        Http.Response all = http.postJson("/v2/models/plain/infer", request(null));
        assertThat(all.json().getJsonArray("outputs").stream().map(o -> ((JsonObject) o).getString("name")))
                .containsExactly("probabilities", "label");
        Http.Response asked = http.postJson("/v2/models/plain/infer",
                request(new JsonArray().add(new JsonObject().put("name", "accepted"))));
        assertThat(asked.status()).isEqualTo(400);
        assertThat(asked.json().getString("error")).contains("no acceptance threshold")
                .contains("fmnist threshold");
        assertThat(http.get("/v2/models/plain").json().getJsonArray("outputs")).hasSize(2);
        Http.Response topK = http.postJson("/v2/models/sure/infer", request(new JsonArray().add(new JsonObject()
                .put("name", "accepted").put("parameters", new JsonObject().put("classification", 2)))));
        assertThat(topK.status()).isEqualTo(400);
        assertThat(topK.json().getString("error")).contains("'classification' does not apply");
    }

    @Test
    void grpcAnswersTheSameFlagsTypedAndRaw() {
        InferTensorContents.Builder uint8 = InferTensorContents.newBuilder();
        images().forEach(image -> {
            for (byte b : image) {
                uint8.addUintContents(Byte.toUnsignedInt(b));
            }
        });
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("sure")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("UINT8")
                        .addShape(IMAGES).addShape(784).setContents(uint8));
        var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        ModelInferResponse typed = stub.modelInfer(request.build());
        ModelInferResponse.InferOutputTensor accepted = typed.getOutputs(2);
        assertThat(accepted.getName()).isEqualTo("accepted");
        assertThat(accepted.getDatatype()).isEqualTo("BOOL");
        List<Boolean> flags = accepted.getContents().getBoolContentsList();
        for (int i = 0; i < IMAGES; i++) {
            assertThat(flags.get(i)).as("image %d", i).isEqualTo(expected[i]);
        }

        // sent raw, answered raw: one byte per answer
        byte[] pixels = new byte[IMAGES * 784];
        for (int i = 0; i < IMAGES; i++) {
            System.arraycopy(images().get(i), 0, pixels, i * 784, 784);
        }
        ModelInferResponse raw = stub.modelInfer(ModelInferRequest.newBuilder().setModelName("sure")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("UINT8")
                        .addShape(IMAGES).addShape(784))
                .addRawInputContents(com.google.protobuf.ByteString.copyFrom(pixels))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("accepted")).build());
        assertThat(raw.getOutputsList()).hasSize(1);
        byte[] bytes = raw.getRawOutputContents(0).toByteArray();
        assertThat(bytes).hasSize(IMAGES);
        for (int i = 0; i < IMAGES; i++) {
            assertThat(bytes[i]).as("image %d", i).isEqualTo((byte) (expected[i] ? 1 : 0));
        }
    }
}
