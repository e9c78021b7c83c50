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
}
