package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.eval.EvaluationReport;
import dev.fmnist.eval.metrics.ClassMetrics;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.run.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fmnist finetune}: a cnn trained on eight Fashion-MNIST classes adapted to all ten from a few labelled
 * images per class, as real image folders.
 */
@Tag("dataset")
class FinetuneCommandTest {

    @TempDir
    static Path dir;

    static Path base;

    static Path tuned;

    static String few;

    @BeforeAll
    static void trainTheBaseAndFineTune() {
        Path eight = dir.resolve("eight");
        run("data", "export", "--set", "train", "--folder", eight.toString(), "--per-class", "300", "--classes",
                "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker");
        base = dir.resolve("runs/base");
        run("train", "--model", "cnn", "--data", "folder:" + eight, "--epochs", "3", "--out", base.toString());

        Path folder = dir.resolve("few");
        run("data", "export", "--set", "train", "--folder", folder.resolve("train").toString(), "--per-class", "40");
        run("data", "export", "--set", "test", "--folder", folder.resolve("test").toString(), "--per-class", "100");
        few = "folder:" + folder;
        tuned = dir.resolve("runs/tuned");
        CliRunner.Result result = run("finetune", base.toString(), "--data", few, "--epochs", "8", "--lr", "0.01",
                "--out", tuned.toString(), "--no-progress");
        assertThat(result.out()).contains("cnn: completed after 8 epochs");
    }

    private static CliRunner.Result run(String... args) {
        CliRunner.Result result = CliRunner.run(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + ": " + result.err()).isZero();
        return result;
    }

    @Test
    void theRunsManifestRecordsItsParentAndTheNewClasses() {
        ModelManifest manifest = ModelFile.manifest(tuned.resolve("best.zip"));
        ModelManifest parent = ModelFile.manifest(base.resolve("best.zip"));
        assertThat(manifest.classNames()).hasSize(10).contains("Bag", "Ankle boot");
        assertThat(manifest.parent()).isNotNull();
        assertThat(manifest.parent().modelFile()).isEqualTo(base.resolve("best.zip").toString());
        assertThat(manifest.parent().classNames()).hasSize(8).doesNotContain("Bag", "Ankle boot");
        assertThat(manifest.parent().frozenLayers()).as("every cnn layer but the output").isEqualTo(3);
        assertThat(manifest.normalization()).isEqualTo(parent.normalization());
        assertThat(manifest.data().source()).contains("split into train/ and test/");
        assertThat(parent.parent()).isNull();
    }

    @Test
    void itLearnsTheNewClassesFromTheKeptFeatures() {
        Path out = dir.resolve("eval");
        CliRunner.Result result = run("evaluate", tuned.toString(), "--data", few, "--out", out.toString());
        assertThat(result.out()).contains("on the test split (1,000 images)");
        EvaluationReport report = Json.read(out.resolve("metrics.json"), EvaluationReport.class);
        assertThat(report.metrics().accuracy()).as("ten classes: chance is 10%").isGreaterThan(0.5);
        for (ClassMetrics metrics : report.metrics().perClass()) {
            if (metrics.name().equals("Bag") || metrics.name().equals("Ankle boot")) {
                assertThat(metrics.recall()).as(metrics.name() + ", a class the base never saw").isGreaterThan(0.3);
            }
        }
    }

    @Test
    void aFineTunedRunResumesWithItsFrozenLayers() {
        CliRunner.Result result = run("train", "--resume", tuned.toString(), "--data", few, "--epochs", "9",
                "--no-progress");
        assertThat(result.out()).contains("cnn: completed after 9 epochs");
        assertThat(ModelFile.manifest(tuned.resolve("last.zip")).parent()).isNotNull();
    }

    @Test
    void aWarmedUpRunIsTrainedFurtherWithEverythingThawedAndItsOutputLayerKept() {
        Path further = dir.resolve("runs/further");
        run("finetune", tuned.toString(), "--data", few, "--freeze", "none", "--lr", "0.0003", "--epochs", "2",
                "--out", further.toString(), "--no-progress");
        ModelManifest manifest = ModelFile.manifest(further.resolve("last.zip"));
        assertThat(manifest.parent().modelFile()).isEqualTo(tuned.resolve("best.zip").toString());
        assertThat(manifest.parent().frozenLayers()).isZero();
        assertThat(manifest.classNames()).isEqualTo(ModelFile.manifest(tuned.resolve("best.zip")).classNames());
        CliRunner.Result result = run("evaluate", further.toString(), "--data", few, "--out",
                dir.resolve("eval-further").toString());
        EvaluationReport report = Json.read(dir.resolve("eval-further/metrics.json"), EvaluationReport.class);
        assertThat(report.metrics().accuracy()).as("the warmed-up output layer, kept: " + result.out())
                .isGreaterThan(0.5);
    }

    @Test
    void badFreezeCountsAreRefusedWithASentence() {
        CliRunner.Result tooMany = CliRunner.run("finetune", base.toString(), "--data", few, "--freeze", "7",
                "--out", dir.resolve("x").toString());
        assertThat(tooMany.exitCode()).isNotZero();
        assertThat(tooMany.err()).contains("--freeze 7 is more layers than the model has before its output layer (3)");
        CliRunner.Result word = CliRunner.run("finetune", base.toString(), "--freeze", "some");
        assertThat(word.err()).contains("--freeze must be a number of layers, all or none; got 'some'");
    }
}
