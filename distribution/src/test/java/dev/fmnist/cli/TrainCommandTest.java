package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("dataset")
class TrainCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainsAModelIntoARunFolderAndSaysWhatItGot() {
        Path run = dir.resolve("run");
        CliRunner.Result result = CliRunner.run("train", "--model", "mlp", "--epochs", "2", "--limit", "1000",
                "--seed", "7", "--lr", "0.002", "--set", "width=64", "--out", run.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("mlp: completed after 2 epochs (epoch limit)").contains("run folder: " + run);
        RunSummary summary = Json.read(run.resolve("summary.json"), RunSummary.class);
        assertThat(summary.epochsRun()).isEqualTo(2);
        assertThat(summary.testAccuracy()).isGreaterThan(0.5);
        var manifest = ModelFile.manifest(run.resolve("best.zip"));
        assertThat(manifest.seed()).isEqualTo(7);
        assertThat(manifest.hyperparameters()).containsEntry("learning-rate", "0.002").containsEntry("width", "64");
        assertThat(run.resolve("train.log")).content().contains("epoch 2/2")
                .contains("epochs 1..2 (early stopping after 4 without a better val_accuracy)");
        assertThat(Files.exists(run.resolve("history.csv"))).isTrue();
    }

    /** The mlp's dropout once crashed in the first batch (DL4J lost a dense layer's own dropout mask). */
    @Test
    void theMlpTrainsWithDropoutAsWellAsWithoutWithinAPoint() {
        double[] accuracy = new double[2];
        String[] dropouts = {"0", "0.3"};
        for (int i = 0; i < 2; i++) {
            Path run = dir.resolve("mlp-dropout-" + dropouts[i]);
            // 6 epochs on 30,000 images: 86.98% without, 86.53% with (AMD EPYC, AVX-512), a margin to the point
            CliRunner.Result result = CliRunner.run("train", "--model", "mlp", "--set", "dropout=" + dropouts[i],
                    "--epochs", "6", "--limit", "30000", "--seed", "5", "--out", run.toString());
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("mlp: completed after 6 epochs");
            accuracy[i] = Json.read(run.resolve("summary.json"), RunSummary.class).bestValidationAccuracy();
        }
        assertThat(accuracy[0]).as("without dropout").isGreaterThan(0.8);
        assertThat(accuracy[1]).as("with dropout 0.3, against " + accuracy[0] + " without")
                .isCloseTo(accuracy[0], org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void unknownModelAndUnknownHyperparameterAreOneSentence() {
        CliRunner.Result unknown = CliRunner.run("train", "--model", "densenet", "--out", dir.resolve("x").toString());
        assertThat(unknown.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(unknown.err().strip()).isEqualTo("fmnist: unknown model 'densenet'; available: mlp, cnn, deep-cnn, vgg, resnet");

        CliRunner.Result badKey = CliRunner.run("train", "--model", "mlp", "--set", "momentum=0.9", "--out",
                dir.resolve("y").toString());
        assertThat(badKey.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(badKey.err()).contains("model 'mlp' (built in) has no hyperparameter 'momentum'; it accepts: "
                + "augment, average, batch-size, dropout, epochs, l2, label-smoothing, learning-rate, lr-decay, optimizer, snapshots, "
                + "teacher, teacher-temperature, teacher-weight, width")
                .doesNotContain("\tat ");
    }

    @Test
    void modelOrAllOrResumeIsRequired() {
        CliRunner.Result result = CliRunner.run("train", "--epochs", "1");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required argument (specify one of these): (--model=ID | --all | --resume=RUN_DIR)");
    }

    @Test
    void modelsListsTheBuiltInPluginsWithTheirParameterCounts() {
        CliRunner.Result result = CliRunner.run("models", "--conf", "plugins.dir=" + dir.resolve("none"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .containsPattern("mlp +FLAT +109,386 +built in")
                .containsPattern("cnn +IMAGE +693,962 +built in")
                .containsPattern("deep-cnn +IMAGE +[0-9,]+ +built in");
    }

    @Test
    void fitAllTrainsOnEveryImageWithoutValidationForItsFixedEpochsAndResumesSo() {
        Path run = dir.resolve("all");
        CliRunner.Result result = CliRunner.run("train", "--model", "mlp", "--fit-all", "--epochs", "2", "--limit",
                "1000", "--set", "average=ema", "--out", run.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("mlp: completed after 2 epochs (epoch limit); no validation images (the "
                + "last epoch is the model), test accuracy");
        // the epoch lines say there is no validation rather than printing NaN, and the average has nothing to be
        // compared with the trained weights on
        assertThat(run.resolve("train.log")).content().contains("epochs 1..2 (no early stopping)")
                .contains("epoch 2/2: loss ").contains(" | no validation images | ")
                .doesNotContain("NaN");
        assertThat(run.resolve("averaging.csv")).doesNotExist();
        var manifest = ModelFile.manifest(run.resolve("best.zip"));
        assertThat(manifest.epoch()).isEqualTo(2);
        assertThat(manifest.data().trainImages()).isEqualTo(1000);
        assertThat(manifest.data().validationImages()).isZero();
        assertThat(manifest.data().validationFraction()).isZero();
        RunSummary summary = Json.read(run.resolve("summary.json"), RunSummary.class);
        assertThat(summary.bestEpoch()).isEqualTo(2);
        assertThat(summary.testAccuracy()).isGreaterThan(0.5);

        CliRunner.Result resumed = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(ModelFile.manifest(run.resolve("best.zip")).epoch()).isEqualTo(3);
        assertThat(ModelFile.manifest(run.resolve("best.zip")).data().validationImages()).isZero();
        CliRunner.Result patientResume = CliRunner.run("train", "--resume", run.toString(), "--epochs", "4",
                "--patience", "2");
        assertThat(patientResume.err()).contains("--patience 2 needs validation images, and this run holds none out");
        CliRunner.Result validation = CliRunner.run("evaluate", run.toString(), "--split", "val");
        assertThat(validation.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(validation.err()).contains("was trained on all its training images (--fit-all): it has no "
                + "validation images; evaluate it on the test split");

        CliRunner.Result patience = CliRunner.run("train", "--model", "mlp", "--fit-all", "--patience", "3",
                "--limit", "1000", "--out", dir.resolve("patient").toString());
        assertThat(patience.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(patience.err()).contains("--patience 3 needs validation images, and this run holds none out (--fit-all)");
    }

    @Test
    void snapshotsSaveOneMemberPerCycleAndSayHowToMakeTheirEnsemble() {
        Path run = dir.resolve("snapshots");
        CliRunner.Result result = CliRunner.run("train", "--model", "mlp", "--snapshots", "2", "--epochs", "2",
                "--limit", "1000", "--out", run.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        String first = run.resolve("snapshot-1.zip").toString();
        String second = run.resolve("snapshot-2.zip").toString();
        assertThat(result.out()).contains("snapshot members: " + first + ", " + second)
                .contains("their ensemble: fmnist ensemble " + first + " " + second + " --out " + run.resolve("ensemble"));
        assertThat(ModelFile.manifest(run.resolve("snapshot-1.zip")).epoch()).isEqualTo(1);
        assertThat(ModelFile.manifest(run.resolve("snapshot-2.zip")).hyperparameters()).containsEntry("snapshots", "2");

        CliRunner.Result ensemble = CliRunner.run("ensemble", first, second, "--out", run.resolve("ensemble").toString());
        assertThat(ensemble.exitCode()).as(ensemble.err()).isZero();
        assertThat(ensemble.out()).contains("| ensemble of 2 |");

        CliRunner.Result odd = CliRunner.run("train", "--model", "mlp", "--snapshots", "2", "--epochs", "3",
                "--limit", "1000", "--out", dir.resolve("odd").toString());
        assertThat(odd.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(odd.err()).contains("--snapshots 2 needs epochs that it divides into equal cycles, and 3 is not: "
                + "use --epochs 2 or 4");
    }
}
