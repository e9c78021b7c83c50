package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's image folder through the commands ({@code --data folder:DIR}): a real folder exported from the
 * Fashion-MNIST test set, with one file that is not an image.
 */
@Tag("dataset")
class ImageFolderCommandsTest {

    private static final String[] CLASSES = {"Ankle boot", "Bag", "Coat", "Dress", "Pullover", "Sandal", "Shirt",
        "Sneaker", "T-shirt-top", "Trouser"};

    @TempDir
    static Path dir;

    static Path catalog;

    static String source;

    static Path run;

    @BeforeAll
    static void exportAndTrain() throws IOException {
        catalog = dir.resolve("catalog");
        source = "folder:" + catalog;
        CliRunner.Result export = CliRunner.run("data", "export", "--set", "train", "--folder", catalog.toString(),
                "--per-class", "40");
        assertThat(export.exitCode()).as(export.err()).isZero();
        Files.write(catalog.resolve("Bag/broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        run = dir.resolve("runs/cnn-catalog");
        CliRunner.Result train = CliRunner.run("train", "--model", "cnn", "--data", source, "--epochs", "2",
                "--out", run.toString(), "--no-progress");
        assertThat(train.exitCode()).as(train.err()).isZero();
    }

    @Test
    void infoCountsTheImagesNamesTheSkippedFileAndSplitsEachClass() {
        CliRunner.Result result = CliRunner.run("data", "info", "--source", source);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("Image folder " + catalog)
                .contains("400 readable images in 10 classes (the sub-folders' names), 1 skipped")
                .contains(catalog.resolve("Bag/broken.jpg") + ": ")
                .contains("Images: 320 training, 80 test")
                .containsPattern("0 +Ankle boot +32 +29 +3 +8")
                .containsPattern("9 +Trouser +32 +29 +3 +8");
    }

    @Test
    void previewDrawsARowPerFolder() throws IOException {
        Path png = dir.resolve("preview.png");
        CliRunner.Result result = CliRunner.run("data", "preview", "--data", source, "--out", png.toString(),
                "--per-class", "3");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("10 classes x 3 samples");
        assertThat(ImageIO.read(png.toFile()).getHeight()).isEqualTo(28 + 10 * (84 + 4) + 4);
    }

    @Test
    void aRunRecordsTheFolderItsClassesAndItsFingerprint() {
        ModelManifest manifest = ModelFile.manifest(run.resolve("best.zip"));
        assertThat(manifest.classNames()).containsExactly(CLASSES);
        assertThat(manifest.data().source()).startsWith("image folder " + catalog + " (400 images, 10 classes, 1 skipped)");
        assertThat(manifest.data().trainImages()).isEqualTo(290);
        assertThat(manifest.data().trainImagesSha256()).hasSize(64);
        assertThat(Json.read(run.resolve("config.json"), RunConfig.class).dataSource())
                .startsWith("image folder " + catalog);
    }

    @Test
    void evaluateAndCompareWorkOnTheFolder() {
        CliRunner.Result result = CliRunner.run("evaluate", run.toString(), "--data", source, "--out",
                dir.resolve("eval").toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("cnn on the test split (80 images): accuracy");
        CliRunner.Result compare = CliRunner.run("compare", run.toString(), "--data", source, "--out",
                dir.resolve("cmp").toString());
        assertThat(compare.exitCode()).as(compare.err()).isZero();
        assertThat(compare.out()).contains("| cnn |");
    }

    @Test
    void aRunIsNotEvaluatedOrResumedOnOtherData() {
        CliRunner.Result evaluate = CliRunner.run("evaluate", run.toString(), "--out", dir.resolve("x").toString());
        assertThat(evaluate.exitCode()).isNotZero();
        assertThat(evaluate.err()).contains(run + " was trained on the classes [Ankle boot, Bag,")
                .contains("give the data it was trained on with --data")
                .doesNotContain("Exception");
        CliRunner.Result resume = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3", "--no-progress");
        assertThat(resume.exitCode()).isNotZero();
        assertThat(resume.err()).contains("cannot resume " + run + ": it was trained on image folder " + catalog)
                .contains("resume with the --data it was trained on");
    }

    /** A runs folder holding a run of an image folder beside Fashion-MNIST runs (as the README's examples make). */
    @Test
    void compareOfARunsFolderLeavesOutAndNamesTheRunsOfOtherData() throws IOException {
        Path runs = Files.createDirectories(dir.resolve("mixed-runs"));
        Files.createSymbolicLink(runs.resolve("cnn-of-the-folder"), run);
        CliRunner.Result train = CliRunner.run("train", "--model", "mlp", "--epochs", "1", "--limit", "300",
                "--no-progress", "--out", runs.resolve("mlp").toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        CliRunner.Result compare = CliRunner.run("compare", "--runs-dir", runs.toString());
        assertThat(compare.exitCode()).as(compare.err()).isZero();
        assertThat(compare.out()).contains("| mlp |").doesNotContain("| cnn |")
                .contains("left out: " + runs.resolve("cnn-of-the-folder") + " was trained on the classes [Ankle boot");

        CliRunner.Result onlyOthers = CliRunner.run("compare", "--runs-dir", runs.toString(), "--data", source);
        assertThat(onlyOthers.exitCode()).as(onlyOthers.err()).isZero();
        assertThat(onlyOthers.out()).contains("| cnn |").doesNotContain("| mlp |").contains("left out: ");
    }

    @Test
    void aBadSourceIsNamed() {
        CliRunner.Result form = CliRunner.run("data", "info", "--data", "photos");
        assertThat(form.exitCode()).isNotZero();
        assertThat(form.err()).contains("data.source").contains("'photos' is not a data source: use fashion-mnist, "
                + "or folder:DIR");
        CliRunner.Result missing = CliRunner.run("data", "info", "--data", "folder:" + dir.resolve("nowhere"));
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("no image folder at " + dir.resolve("nowhere"))
                .doesNotContain("Exception");
    }
}
