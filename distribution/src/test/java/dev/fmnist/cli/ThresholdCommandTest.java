package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fmnist threshold}: the threshold chosen on the run's validation images is stored, evaluate reports what it
 * and the thresholds of each target accept of the test images, predict marks and explains its answers, and a new
 * calibration chooses the threshold again.
 */
@Tag("dataset")
class ThresholdCommandTest {

    @TempDir
    Path dir;

    @Test
    void theChosenThresholdIsStoredReportedAndChosenAgainWithANewCalibration() {
        Path run = dir.resolve("mlp");
        CliRunner.Result trained = CliRunner.run("train", "--model", "mlp", "--epochs", "2", "--limit", "3000",
                "--no-progress", "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path model = run.resolve("best.zip");

        CliRunner.Result chosen = CliRunner.run("threshold", run.toString(), "--precision", "0.95");
        assertThat(chosen.exitCode()).as(chosen.err()).isZero();
        Acceptance acceptance = ModelFile.manifest(model).acceptance();
        assertThat(acceptance.targetAccuracy()).isEqualTo(0.95);
        assertThat(acceptance.temperature()).isEqualTo(ModelFile.manifest(model).calibration().temperature());
        assertThat(acceptance.validation().images()).isEqualTo(333);
        assertThat(acceptance.validation().accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(chosen.out()).contains(String.format("%s: answers with a top probability of at least %.4f are "
                + "accepted: %.2f%% of the 333 validation images", model, acceptance.threshold(),
                acceptance.validation().coverage() * 100));

        CliRunner.Result evaluated = CliRunner.run("evaluate", run.toString());
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).containsPattern("selective prediction: AURC 0\\.\\d{4}; thresholds chosen on the "
                + "validation images \\(calibrated probabilities\\):")
                .contains(String.format("  95.0%% asked: from %.4f, accepts", acceptance.threshold()))
                .contains(String.format("the model's threshold (fmnist threshold): 95.0%% asked: from %.4f, accepts",
                        acceptance.threshold()));
        @SuppressWarnings("unchecked")
        Map<String, Object> selective = (Map<String, Object>) Json.read(run.resolve("eval/metrics.json"), Map.class)
                .get("selective");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> targets = (List<Map<String, Object>>) selective.get("targets");
        assertThat(targets).hasSize(8).extracting(t -> t.get("probabilities")).containsOnly("raw", "calibrated");
        assertThat(selective.get("riskCoverage")).asList().hasSize(100);
        assertThat(run.resolve("eval/risk-coverage.png")).isNotEmptyFile();

        // predict marks its answers too: a trouser (test image 2) is one the mlp is sure of
        Path trouser = dir.resolve("trouser.png");
        assertThat(CliRunner.run("data", "export", "--index", "2", "--out", trouser.toString()).exitCode()).isZero();
        CliRunner.Result predicted = CliRunner.run("predict", run.toString(), trouser.toString());
        assertThat(predicted.out()).as(predicted.err()).startsWith(trouser + ": Trouser ").endsWith(" (accepted)\n");

        // and explains them as pictures, by either method the mlp allows
        Path why = dir.resolve("why");
        for (String method : List.of("occlusion", "saliency")) {
            CliRunner.Result explained = CliRunner.run("predict", run.toString(), trouser.toString(), "--explain",
                    why.toString(), "--method", method);
            assertThat(explained.exitCode()).as(explained.err()).isZero();
            assertThat(why.resolve("trouser.png." + method + ".png")).isNotEmptyFile();
        }
        CliRunner.Result lime = CliRunner.run("predict", run.toString(), trouser.toString(), "--explain",
                why.toString(), "--method", "lime");
        assertThat(lime.exitCode()).isNotZero();
        assertThat(lime.err()).contains("--method: no explanation method 'lime'").doesNotContain("\tat ");

        // without the calibration, the threshold is chosen again on the raw probabilities
        assertThat(CliRunner.run("calibrate", run.toString(), "--off").exitCode()).isZero();
        Acceptance raw = ModelFile.manifest(model).acceptance();
        assertThat(raw).as("the threshold chosen again for 95%% on raw probabilities").isNotNull();
        assertThat(raw.temperature()).isEqualTo(1);
        assertThat(raw.targetAccuracy()).isEqualTo(0.95);

        CliRunner.Result off = CliRunner.run("threshold", run.toString(), "--off");
        assertThat(off.exitCode()).as(off.err()).isZero();
        assertThat(ModelFile.manifest(model).acceptance()).isNull();
        assertThat(CliRunner.run("evaluate", run.toString()).out()).doesNotContain("the model's threshold");
    }

    @Test
    void aTargetThatIsNoShareAndAFolderThatIsNoRunAreRefusedInASentence() {
        CliRunner.Result share = CliRunner.run("threshold", dir.toString(), "--precision", "99");
        assertThat(share.exitCode()).isNotZero();
        assertThat(share.err()).contains("a share in (0, 1)").doesNotContain("\tat ");
        CliRunner.Result noRun = CliRunner.run("threshold", dir.toString(), "--precision", "0.99");
        assertThat(noRun.exitCode()).isNotZero();
        assertThat(noRun.err()).startsWith("fmnist: ").contains("not a run folder").doesNotContain("\tat ");
        assertThat(CliRunner.run("threshold", dir.toString()).exitCode()).isNotZero();
    }
}
