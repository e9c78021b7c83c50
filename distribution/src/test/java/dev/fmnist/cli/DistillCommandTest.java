package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fmnist distill}: a student trained on an ensemble's softened targets, as a run like any other. */
@Tag("dataset")
class DistillCommandTest {

    @TempDir
    Path dir;

    @Test
    void aStudentLearnsFromAnEnsembleMadeWithFlipsAndItsRunRecordsTheTeacher() throws Exception {
        for (String seed : new String[] {"1", "2"}) {
            CliRunner.Result member = CliRunner.run("train", "--model", "mlp", "--epochs", "1", "--limit", "1000",
                    "--seed", seed, "--no-progress", "--out", dir.resolve("mlp-" + seed).toString());
            assertThat(member.exitCode()).as(member.err()).isZero();
        }
        Path teacher = dir.resolve("teacher");
        CliRunner.Result ensemble = CliRunner.run("ensemble", dir.resolve("mlp-1").toString(),
                dir.resolve("mlp-2").toString(), "--flip", "--out", teacher.toString());
        assertThat(ensemble.exitCode()).as(ensemble.err()).isZero();

        Path student = dir.resolve("student");
        CliRunner.Result distilled = CliRunner.run("distill", teacher.toString(), "--model", "mlp", "--temperature",
                "3", "--teacher-weight", "0.8", "--epochs", "1", "--limit", "1000", "--no-progress", "--out",
                student.toString());
        assertThat(distilled.exitCode()).as(distilled.err()).isZero();
        assertThat(distilled.out()).contains("mlp: completed after 1 epochs").contains("run folder: " + student);
        RunDirectory run = new RunDirectory(student);
        assertThat(ModelFile.manifest(run.bestModel()).hyperparameters())
                .containsEntry("teacher", teacher.toAbsolutePath().toString())
                .containsEntry("teacher-temperature", "3.0").containsEntry("teacher-weight", "0.8");
        assertThat(Files.readString(run.log())).contains("Teacher " + teacher.resolve("best.zip") + " (an ensemble of 2 "
                + "with flips) answered the 1,000 training images in").contains("targets: its probabilities at "
                + "temperature 3.0, weight 0.80 (the label 0.20)");

        // resumed as any run: the teacher is asked again, and its targets train the new epoch
        CliRunner.Result resumed = CliRunner.run("train", "--resume", student.toString(), "--epochs", "2",
                "--no-progress");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(Files.readString(run.log()).split("Teacher " + teacher.resolve("best.zip"), -1)).hasSize(3);
    }

    @Test
    void aTeacherOfOtherClassesOrTwoTeachersAreRefusedInASentence() {
        Path shop = dir.resolve("shop");
        assertThat(CliRunner.run("data", "export", "--folder", shop.toString(), "--per-class", "10").exitCode())
                .isZero();
        Path shopModel = dir.resolve("shop-mlp");
        CliRunner.Result trained = CliRunner.run("train", "--model", "mlp", "--data", "folder:" + shop, "--epochs", "1",
                "--no-progress", "--out", shopModel.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        CliRunner.Result refused = CliRunner.run("distill", shopModel.toString(), "--model", "mlp", "--limit", "1000",
                "--no-progress", "--out", dir.resolve("student").toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).startsWith("fmnist: the teacher " + shopModel.resolve("best.zip")
                + " answers the classes [").contains("and the student learns [T-shirt/top, Trouser, ")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("student")).doesNotExist();

        CliRunner.Result two = CliRunner.run("distill", shopModel.toString(), "--model", "mlp", "--set",
                "teacher=" + shopModel, "--no-progress");
        assertThat(two.exitCode()).isNotZero();
        assertThat(two.err()).contains("the teacher is " + shopModel + ", the first argument; --set teacher= is for "
                + "fmnist train");
    }

    @Test
    void aTeacherThatIsNoModelIsRefusedInASentence() {
        CliRunner.Result refused = CliRunner.run("distill", dir.resolve("nothing").toString(), "--model", "mlp",
                "--limit", "1000", "--no-progress", "--out", dir.resolve("student").toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).startsWith("fmnist: the teacher " + dir.resolve("nothing") + " cannot be read: ")
                .doesNotContain("Exception", "\tat ");
        assertThat(dir.resolve("student")).doesNotExist();
    }
}
