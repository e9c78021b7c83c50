package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.InferTensorContents;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fmnist ensemble} over two real runs (a layer stack and a graph): the folder it writes predicts its members'
 * weighted mean, is evaluated and compared as a run, and is served over REST and gRPC with that mean.
 */
@Tag("dataset")
class EnsembleCommandTest {

    @TempDir
    static Path dir;

    static Path cnn;
    static Path resnet;
    static Path mlp;

    @BeforeAll
    static void twoRunsAndAFlatOne() {
        cnn = train("cnn", "--set", "filters=8");
        resnet = train("resnet", "--set", "blocks=1", "--set", "width=4", "--set", "batch-size=64");
        mlp = train("mlp");
    }

    private static Path train(String model, String... extra) {
        Path run = dir.resolve(model);
        List<String> args = new ArrayList<>(List.of("train", "--model", model, "--epochs", "1", "--limit", "1000",
                "--no-progress", "--out", run.toString()));
        args.addAll(List.of(extra));
        CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return run;
    }

    @Test
    void anEnsemblePredictsItsMembersWeightedMeanAndIsServedAsAnyModel() throws Exception {
        Path ensemble = dir.resolve("pair");
        CliRunner.Result made = CliRunner.run("ensemble", cnn.toString(), resnet.toString(), "--weights", "3,1",
                "--out", ensemble.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.out()).contains("an ensemble of 2 models").contains("| ensemble of 2 |")
                .contains("| cnn (" + cnn.resolve("best.zip") + ") |");
        assertThat(Json.read(ensemble.resolve("ensemble.json"), List.class)).hasSize(3);
        ModelManifest manifest = ModelFile.manifest(ensemble.resolve("best.zip"));
        assertThat(manifest.ensemble().members()).extracting(ModelManifest.Ensemble.Member::weight)
                .containsExactly(0.75, 0.25);

        LabelledImages test = RealDataset.get().dataset().testImages();
        List<byte[]> images = List.of(image(test, 0), image(test, 1), image(test, 2));
        // the members' networks, not their calibrations: an ensemble averages what its members' networks answer
        Predictor cnnRaw = Predictor.load(cnn).withCalibration(false);
        Predictor resnetRaw = Predictor.load(resnet).withCalibration(false);
        float[][] expected = mean(cnnRaw.probabilities(cnnRaw.encode(images)),
                resnetRaw.probabilities(resnetRaw.encode(images)));
        Predictor loaded = Predictor.load(ensemble);
        assertClose(loaded.probabilities(loaded.encode(images)), expected);

        CliRunner.Result evaluated = CliRunner.run("evaluate", ensemble.toString());
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("ensemble on the test split (10,000 images)");
        CliRunner.Result compared = CliRunner.run("compare", cnn.toString(), ensemble.toString(), "--out",
                dir.resolve("comparison").toString());
        assertThat(compared.exitCode()).as(compared.err()).isZero();
        assertThat(compared.out()).contains("ensemble");

        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0).withGrpcPort(0),
                List.of(new ModelSource("pair", ensemble)), "test")) {
            assertClose(rest(server.port(), images), expected);
            assertClose(grpc(server.grpcPort().orElseThrow(), images), expected);
        }
    }

    @Test
    void membersThatCannotBeAveragedAreRefusedInASentence() {
        CliRunner.Result mixed = CliRunner.run("ensemble", cnn.toString(), mlp.toString(), "--out",
                dir.resolve("mixed").toString());
        assertThat(mixed.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(mixed.err()).contains("cannot make an ensemble of " + cnn.resolve("best.zip") + " (cnn) and "
                + mlp.resolve("best.zip") + " (mlp): they differ in input layouts IMAGE and FLAT")
                .doesNotContain("\tat ");
        CliRunner.Result one = CliRunner.run("ensemble", cnn.toString(), "--out", dir.resolve("one").toString());
        assertThat(one.exitCode()).isNotZero();

        Path ensemble = dir.resolve("refusals");
        assertThat(CliRunner.run("ensemble", cnn.toString(), resnet.toString(), "--out", ensemble.toString())
                .exitCode()).isZero();
        CliRunner.Result again = CliRunner.run("ensemble", cnn.toString(), resnet.toString(), "--out",
                ensemble.toString());
        assertThat(again.err()).contains(ensemble + " already holds a model; choose another --out");
        CliRunner.Result finetune = CliRunner.run("finetune", ensemble.toString(), "--epochs", "1", "--limit", "200",
                "--out", dir.resolve("tuned").toString());
        assertThat(finetune.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(finetune.err()).contains("is an ensemble of 2 models; fine-tune one of its members ("
                + cnn.resolve("best.zip") + ")");
        CliRunner.Result validation = CliRunner.run("evaluate", ensemble.toString(), "--split", "val");
        assertThat(validation.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(validation.err()).contains("is an ensemble: its members may have trained on other validation "
                + "images than its first member's; evaluate it on the test split");
    }

    private static float[][] rest(int port, List<byte[]> images) throws Exception {
        return OipRest.probabilities(port, "pair", images);
    }

    private static float[][] grpc(int port, List<byte[]> images) throws InterruptedException {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        images.forEach(image -> {
            for (byte pixel : image) {
                contents.addUintContents(pixel & 0xff);
            }
        });
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            var response = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .modelInfer(ModelInferRequest.newBuilder().setModelName("pair").addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("UINT8")
                                    .addShape(images.size()).addShape(784).setContents(contents)).build());
            return OipRest.rows(response.getOutputsList().stream().filter(o -> o.getName().equals("probabilities"))
                    .findFirst().orElseThrow().getContents().getFp32ContentsList(), images.size());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static float[][] mean(float[][] a, float[][] b) {
        float[][] mean = new float[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < a[i].length; c++) {
                mean[i][c] = (float) (0.75 * a[i][c] + 0.25 * b[i][c]);
            }
        }
        return mean;
    }

    private static void assertClose(float[][] actual, float[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            for (int c = 0; c < expected[i].length; c++) {
                assertThat((double) actual[i][c]).as("image %d class %d", i, c)
                        .isCloseTo(expected[i][c], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    private static byte[] image(LabelledImages images, int index) {
        byte[] pixels = new byte[images.shape().pixels()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) images.pixel(index, i);
        }
        return pixels;
    }
}
