package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugins of examples/model-plugin, built by Maven on its own (as .ci/run does), dropped into a
 * plugins folder, listed and trained for a few batches through the real CLI: LeNet-5, a layer stack, and
 * mini-resnet, a graph, which is also resumed, evaluated and asked for predictions.
 */
@Tag("dataset")
class ExamplePluginTest {

    @TempDir
    Path dir;

    private static Optional<Path> exampleJar() throws IOException {
        Path target = Path.of("..", "examples", "model-plugin", "target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("fmnist-lenet5-plugin-.*\\.jar")).findFirst();
        }
    }

    @Test
    void theExamplePluginJarIsListedAndTrains() throws IOException {
        Optional<Path> jar = exampleJar();
        if (jar.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail("examples/model-plugin is not built: .ci/run builds it before the tests");
            }
            Assumptions.abort("build examples/model-plugin first (mvn -f examples/model-plugin/pom.xml package)");
        }
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(jar.get(), plugins.resolve(jar.get().getFileName()));

        CliRunner.Result models = CliRunner.run("models", "--conf", "plugins.dir=" + plugins);
        assertThat(models.exitCode()).as(models.err()).isZero();
        assertThat(models.out()).containsPattern("lenet5 +IMAGE +[0-9,]+ +" + jar.get().getFileName())
                .containsPattern("mini-resnet +IMAGE +[0-9,]+ +" + jar.get().getFileName());

        Path run = dir.resolve("run");
        CliRunner.Result train = CliRunner.run("train", "--model", "lenet5", "--epochs", "1", "--limit", "640",
                "--conf", "plugins.dir=" + plugins, "--out", run.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        RunSummary summary = Json.read(run.resolve("summary.json"), RunSummary.class);
        assertThat(summary.modelId()).isEqualTo("lenet5");
        assertThat(summary.epochsRun()).isEqualTo(1);
        assertThat(summary.testAccuracy()).as("ten batches beat chance").isGreaterThan(0.2);

        // The plugin's network, from its own class loader, runs on the oneDNN helpers like the built-ins
        // (the CLI runs above switched them on from the configuration, as every command does).
        var network = ModelBuilder.build(new ModelRegistry(Optional.of(plugins)).get("lenet5"), 42, 10,
                dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of()).network().model();
        assertThat(LayerHelpers.activeIn(network)).anyMatch(h -> h.endsWith("MKLDNNConvHelper"))
                .anyMatch(h -> h.endsWith("MKLDNNSubsamplingHelper"));
    }

    @Test
    void theExampleGraphPluginTrainsResumesEvaluatesPredictsAndIsServed() throws Exception {
        Optional<Path> jar = exampleJar();
        Assumptions.assumeTrue(jar.isPresent() || System.getenv("CI") == null, "checked by the test above");
        Assumptions.assumeTrue(jar.isPresent(), "build examples/model-plugin first");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(jar.get(), plugins.resolve(jar.get().getFileName()));
        String pluginsDir = "plugins.dir=" + plugins;

        Path run = dir.resolve("graph-run");
        CliRunner.Result first = CliRunner.run("train", "--model", "mini-resnet", "--epochs", "1", "--limit", "1280",
                "--conf", pluginsDir, "--out", run.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRunner.Result resumed = CliRunner.run("train", "--resume", run.toString(), "--epochs", "2",
                "--conf", pluginsDir);
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        RunSummary summary = Json.read(run.resolve("summary.json"), RunSummary.class);
        assertThat(summary.modelId()).isEqualTo("mini-resnet");
        assertThat(summary.epochsRun()).isEqualTo(2);
        assertThat(summary.testAccuracy()).as("forty batches beat chance (34.5% when written)").isGreaterThan(0.25);

        CliRunner.Result evaluate = CliRunner.run("evaluate", run.toString(), "--conf", pluginsDir);
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(Files.readString(run.resolve("eval").resolve("report.html"))).contains("ElementWiseVertex")
                .contains("block1-conv2");

        Path image = dir.resolve("item.png");
        java.awt.image.BufferedImage item = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        var g = item.createGraphics();
        g.setColor(java.awt.Color.LIGHT_GRAY);
        g.fillRect(8, 2, 12, 24);
        g.dispose();
        javax.imageio.ImageIO.write(item, "png", image.toFile());
        CliRunner.Result predict = CliRunner.run("predict", run.toString(), image.toString(), "--conf", pluginsDir);
        assertThat(predict.exitCode()).as(predict.err()).isZero();
        assertThat(predict.out()).contains("item.png");

        // Served from the plugin's classes, as `fmnist serve --conf plugins.dir=...` does.
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("mini", run)), "test", new ModelRegistry(Optional.of(plugins)))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v2/models/mini/classify?top=1"))
                    .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofFile(image)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"model_name\":\"mini\"").contains("\"top\":[{\"label\":");
        }
    }
}
