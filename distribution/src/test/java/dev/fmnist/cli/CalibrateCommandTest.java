package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fmnist calibrate} and what evaluate reports of a calibrated model. */
@Tag("dataset")
class CalibrateCommandTest {

    @TempDir
    Path dir;

    @Test
    void evaluateReportsTheCalibrationAndCalibrateTakesItOffAndFitsItAgain() {
        Path run = dir.resolve("mlp");
        CliRunner.Result trained = CliRunner.run("train", "--model", "mlp", "--epochs", "2", "--limit", "3000",
                "--no-progress", "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        double temperature = ModelFile.manifest(run.resolve("best.zip")).calibration().temperature();

        CliRunner.Result evaluated = CliRunner.run("evaluate", run.toString());
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).containsPattern(String.format("calibrated at temperature %.3f: log loss "
                + "\\d\\.\\d{4} -> \\d\\.\\d{4}, ECE \\d\\.\\d{4} -> \\d\\.\\d{4} \\(raw -> calibrated\\)", temperature));
        @SuppressWarnings("unchecked")
        Map<String, Object> calibration = (Map<String, Object>) Json.read(run.resolve("eval/metrics.json"), Map.class)
                .get("calibration");
        assertThat(calibration).containsKeys("temperature", "logLossBefore", "logLossAfter", "eceBefore", "eceAfter");

        CliRunner.Result off = CliRunner.run("calibrate", run.toString(), "--off");
        assertThat(off.exitCode()).as(off.err()).isZero();
        assertThat(off.out()).contains("calibration off");
        assertThat(ModelFile.manifest(run.resolve("best.zip")).calibration()).isNull();
        assertThat(CliRunner.run("evaluate", run.toString()).out()).doesNotContain("calibrated at");

        CliRunner.Result again = CliRunner.run("calibrate", run.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains(String.format("%s: temperature %.3f, fitted on 333 validation images",
                run.resolve("best.zip"), temperature));
    }

    @Test
    void aFolderThatIsNoRunIsRefusedInASentence() {
        CliRunner.Result refused = CliRunner.run("calibrate", dir.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).startsWith("fmnist: ").doesNotContain("\tat ");
    }
}
