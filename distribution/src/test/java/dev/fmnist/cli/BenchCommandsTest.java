package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.nativecpu.LayerHelpers;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fmnist bench train} and {@code bench infer} on tiny workloads: every set-up measured, helpers restored. */
@Tag("dataset")
class BenchCommandsTest {

    @TempDir
    Path dir;

    @Test
    void benchTrainMeasuresThePlainLoopAndTheEngineWithHelpersOffAndOn() {
        CliRunner.Result result = CliRunner.run("bench", "train", "--model", "cnn", "--images", "256", "--repeat", "1");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .containsPattern("plain DL4J loop, helpers off \\(DL4J's default\\) +[0-9,]+ img/s")
                .containsPattern("engine, helpers off: training phase +[0-9,]+ img/s")
                .containsPattern("engine, helpers on: +training phase +[0-9,]+ img/s +[0-9.]+x helpers off")
                .containsPattern("\\| cnn \\| [0-9,]+ img/s \\| [0-9,]+ img/s \\| [0-9,]+ img/s \\| [0-9.]+x \\| [0-9.]+ \\|");
        assertThat(LayerHelpers.enabled()).as("the configured setting is back").isTrue();
    }

    @Test
    void benchThreadsMeasuresEachWayOfUsingTheCoresAndWritesTheChoiceThatTrainingsThenUse() throws Exception {
        Path conf = dir.resolve("fmnist.properties");
        java.nio.file.Files.write(conf, java.util.List.of("# threads", "#train.threads = auto", "train.threads = cnn:1",
                "seed = 42"));

        CliRunner.Result result = CliRunner.run("bench", "threads", "--model", "mlp", "--images", "256", "--repeat", "1",
                "--write", conf.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("On .+; 256 images a run, two epochs, the second counted; 1 rounds")
                .containsPattern("mlp:\n  1 thread +[0-9,]+ img/s  <- the fastest");
        String line = result.out().lines().filter(l -> l.startsWith("Written to ")).findFirst().orElseThrow();
        assertThat(line).isEqualTo("Written to " + conf + ": train.threads = cnn:1, mlp:1");
        assertThat(java.nio.file.Files.readAllLines(conf)).as("the other model's entry and the rest kept")
                .containsExactly("# threads", "#train.threads = auto", "train.threads = cnn:1, mlp:1", "seed = 42");

        Path run = dir.resolve("mlp-run");
        CliRunner.Result trained = CliRunner.run("train", "--model", "mlp", "--epochs", "1", "--limit", "300",
                "--config", conf.toString(), "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(java.nio.file.Files.readString(run.resolve("train.log")))
                .contains("Training with 1 thread, as train.threads says");

        CliRunner.Result nowhere = CliRunner.run("bench", "threads", "--model", "mlp", "--write",
                dir.resolve("missing/fmnist.properties").toString());
        assertThat(nowhere.err().strip()).isEqualTo("fmnist: --write: cannot write " + dir.resolve("missing/fmnist.properties")
                + " (its folder must exist and both be writable)");
        Path broken = dir.resolve("broken.properties");
        java.nio.file.Files.write(broken, java.util.List.of("train.threads = cnn:0"));
        CliRunner.Result refused = CliRunner.run("bench", "threads", "--model", "mlp", "--write", broken.toString());
        assertThat(refused.err().strip()).as("said before any measuring").isEqualTo("fmnist: --write: " + broken
                + ": '0' is neither auto, a number of threads (1 or more), nor WxT (W data-parallel workers of T "
                + "threads, e.g. 2x1)");
        assertThat(refused.out()).doesNotContain("img/s");
        CliRunner.Result yaml = CliRunner.run("bench", "threads", "--model", "mlp", "--write",
                dir.resolve("fmnist.yaml").toString());
        assertThat(yaml.err().strip()).isEqualTo("fmnist: --write: " + dir.resolve("fmnist.yaml") + " is not a "
                + ".properties file (a YAML configuration is not edited: add train.threads to it by hand)");
        CliRunner.Result noInstallation = CliRunner.run("bench", "threads", "--model", "mlp", "--write");
        assertThat(noInstallation.err().strip()).isEqualTo("fmnist: --write without a FILE writes this installation's "
                + "conf/fmnist.properties, and this process was not started by the launcher: name a file");
        CliRunner.Result unknown = CliRunner.run("bench", "threads", "--model", "nope");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("nope").doesNotContain("\tat ");
    }

    @Test
    void benchInferMeasuresEachBatchSizeWithHelpersOffAndOn() {
        Path run = dir.resolve("cnn-short");
        CliRunner.Result trained = CliRunner.run("train", "--model", "cnn", "--epochs", "1", "--limit", "500",
                "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        CliRunner.Result result = CliRunner.run("bench", "infer", run.toString(), "--batch-sizes", "1,16",
                "--seconds", "0.2", "--repeat", "1");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .containsPattern("\\| 1 \\| [0-9,]+ img/s \\| [0-9,]+ img/s \\| [0-9.]+x \\|")
                .containsPattern("\\| 16 \\| [0-9,]+ img/s \\| [0-9,]+ img/s \\| [0-9.]+x \\|");
        assertThat(LayerHelpers.enabled()).isTrue();

        CliRunner.Result bad = CliRunner.run("bench", "infer", run.toString(), "--batch-sizes", "0");
        assertThat(bad.err().strip()).isEqualTo("fmnist: --seconds must be positive, --repeat at least 1 and each batch size 1..4096");
    }

    @Test
    void benchPhotosPostsProductPhotosToTheRealServerAndWritesTheSet() throws Exception {
        Path run = dir.resolve("mlp-short");
        CliRunner.Result trained = CliRunner.run("train", "--model", "mlp", "--epochs", "1", "--limit", "2000",
                "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        Path photos = dir.resolve("photos");
        CliRunner.Result result = CliRunner.run("bench", "photos", run.toString(), "--count", "40", "--out",
                photos.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("40 product photos of test items (seed 7)")
                .containsPattern("raw tensors: +[0-9.]+%")
                .containsPattern("image endpoint: [0-9.]+% \\([0-9.]+% of the raw accuracy\\)");
        java.util.List<String> labels = java.nio.file.Files.readAllLines(photos.resolve("labels.csv"));
        assertThat(labels).hasSize(41).first().isEqualTo("file,label,class,test_index");
        String first = labels.get(1).split(",")[0];
        assertThat(javax.imageio.ImageIO.read(photos.resolve(first).toFile()).getWidth()).isBetween(100, 600);

        CliRunner.Result bad = CliRunner.run("bench", "photos", run.toString(), "--count", "0");
        assertThat(bad.err().strip()).isEqualTo("fmnist: --count: the photo count must be 1..10000, got 0");
    }

    @Test
    void servingBenchmarksSayAModelThatFailsToLoad() throws Exception {
        Path broken = dir.resolve("broken");
        java.nio.file.Files.createDirectories(broken);
        java.nio.file.Files.writeString(broken.resolve("best.zip"), "not a model");
        assertFailsToLoad(broken, CliRunner.run("bench", "photos", broken.toString(), "--count", "10"));
        assertFailsToLoad(broken, CliRunner.run("bench", "serve", broken.toString(), "--seconds", "1"));
        // an address the server cannot listen on, from the configuration: a sentence, as fmnist serve says it
        CliRunner.Result unlistenable = CliRunner.run("bench", "serve", broken.toString(), "--seconds", "1",
                "--conf", "server.host=256.0.0.1");
        assertThat(unlistenable.exitCode()).as(unlistenable.err()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(unlistenable.err()).startsWith("fmnist: cannot listen on 256.0.0.1:0: ")
                .doesNotContain("unexpected error");
    }

    private static void assertFailsToLoad(Path run, CliRunner.Result result) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err()).startsWith("fmnist: the model in " + run + " failed to load: ")
                .doesNotContain("unexpected error");
    }
}
