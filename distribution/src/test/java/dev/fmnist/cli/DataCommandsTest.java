package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fmnist data ...} and {@code fmnist doctor} on the real dataset. */
@Tag("dataset")
class DataCommandsTest {

    @TempDir
    Path dir;

    @Test
    void dataInfoPrintsCountsBalanceAndSplit() {
        CliRunner.Result result = CliRunner.run("data", "info");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("Images: 60,000 training, 10,000 test")
                .contains("Split (seed 42, validation 10% of each class): train 54,000, validation 6,000, test 10,000")
                .containsPattern("0 +T-shirt/top +6,000 +5,400 +600 +1,000")
                .containsPattern("9 +Ankle boot +6,000 +5,400 +600 +1,000")
                .containsPattern("train-images-idx3-ubyte(\\.gz)? +60,000 +verified");
    }

    @Test
    void seedAndFractionComeFromTheConfiguration() {
        CliRunner.Result result = CliRunner.run("data", "info", "--conf", "seed=3", "--conf",
                "data.validation-fraction=0.2");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Split (seed 3, validation 20% of each class): train 48,000, validation 12,000");
    }

    @Test
    void previewWritesALabelledGridThatIsNotBlank() throws IOException {
        Path png = dir.resolve("out/preview.png");
        CliRunner.Result result = CliRunner.run("data", "preview", "--out", png.toString(), "--per-class", "4");
        assertThat(result.exitCode()).as(result.err()).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(120 + 4 * (84 + 4) + 4);
        assertThat(image.getHeight()).isEqualTo(28 + 10 * (84 + 4) + 4);
        // The first sample of the Trouser row: a dark garment on white, so both extremes are present.
        int darkest = 255;
        int lightest = 0;
        for (int y = 28 + 88; y < 28 + 88 + 84; y++) {
            for (int x = 120; x < 120 + 84; x++) {
                int grey = image.getRGB(x, y) & 0xff;
                darkest = Math.min(darkest, grey);
                lightest = Math.max(lightest, grey);
            }
        }
        assertThat(darkest).isLessThan(60);
        assertThat(lightest).isEqualTo(255);
    }

    @Test
    void previewShowsWhatAnAugmentedRunSees() throws IOException {
        Path plain = dir.resolve("out/plain.png");
        Path augmented = dir.resolve("out/augmented.png");
        assertThat(CliRunner.run("data", "preview", "--out", plain.toString(), "--per-class", "2").exitCode()).isZero();
        CliRunner.Result result = CliRunner.run("data", "preview", "--out", augmented.toString(), "--per-class", "2",
                "--augment", "erase:1.0");
        assertThat(result.exitCode()).as(result.err()).isZero();
        BufferedImage before = ImageIO.read(plain.toFile());
        BufferedImage after = ImageIO.read(augmented.toFile());
        assertThat(after.getWidth()).isEqualTo(before.getWidth());
        int differing = 0;
        for (int y = 28; y < before.getHeight(); y += 2) {
            for (int x = 120; x < before.getWidth(); x += 2) {
                differing += before.getRGB(x, y) != after.getRGB(x, y) ? 1 : 0;
            }
        }
        assertThat(differing).as("every sample had a rectangle erased").isGreaterThan(500);

        CliRunner.Result bad = CliRunner.run("data", "preview", "--out", augmented.toString(), "--augment", "blur");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--augment blur: unknown augmentation 'blur'");
    }

    @Test
    void exportWritesOneImageOrASetAsAFolderOfLabelledImages() throws IOException {
        Path one = dir.resolve("boot.png");
        CliRunner.Result single = CliRunner.run("data", "export", "--index", "0", "--out", one.toString());
        assertThat(single.exitCode()).as(single.err()).isZero();
        assertThat(ImageIO.read(one.toFile()).getWidth()).isEqualTo(28);

        Path folder = dir.resolve("catalog");
        CliRunner.Result set = CliRunner.run("data", "export", "--folder", folder.toString(), "--per-class", "3");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("Wrote 30 test images to " + folder + ", one folder per class");
        try (var classes = java.nio.file.Files.list(folder)) {
            assertThat(classes.map(p -> p.getFileName().toString()).sorted()).containsExactly("Ankle boot", "Bag",
                    "Coat", "Dress", "Pullover", "Sandal", "Shirt", "Sneaker", "T-shirt-top", "Trouser");
        }
        try (var trousers = java.nio.file.Files.list(folder.resolve("Trouser"))) {
            assertThat(trousers.map(p -> p.getFileName().toString()).sorted())
                    .as("the first three trousers of the test set").containsExactly("00002.png", "00003.png", "00005.png");
        }

        Path photos = dir.resolve("photos");
        CliRunner.Result photoSet = CliRunner.run("data", "export", "--folder", photos.toString(), "--per-class", "1",
                "--photos");
        assertThat(photoSet.exitCode()).as(photoSet.err()).isZero();
        try (var files = java.nio.file.Files.walk(photos)) {
            assertThat(files.filter(java.nio.file.Files::isRegularFile).toList()).hasSize(10)
                    .allSatisfy(p -> assertThat(p.toString()).matches(".*\\.(jpg|png)"));
        }

        CliRunner.Result both = CliRunner.run("data", "export", "--folder", folder.toString(), "--index", "1");
        assertThat(both.err().strip()).isEqualTo("fmnist: --folder writes a whole set: leave out --index and --out");
        CliRunner.Result neither = CliRunner.run("data", "export");
        assertThat(neither.err().strip()).isEqualTo("fmnist: give --index and --out for one image, or --folder for a whole set");
    }

    @Test
    void doctorReportsBackendDataAndConfiguration() {
        CliRunner.Result result = CliRunner.run("doctor", "--conf", "seed=5", "--conf", "server.api-key=hunter2");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("org.nd4j.linalg.cpu.nativecpu.CpuBackend")
                .containsPattern("native binary (generic x86-64|AVX2|AVX-512) build")
                .contains("Debian package dataset-fashion-mnist")
                .containsPattern("seed +5  \\[command line\\]")
                .containsPattern("cnn +built in")
                .containsPattern("server.api-key +\\*\\*\\*\\*  \\[command line\\]")
                .containsPattern("libnd4j +\\S*linux-x86_64-onednn\\S*libnd4jcpu.so")
                .contains("oneDNN        built into this binary")
                .contains("layer helpers on: MKLDNNConvHelper, MKLDNNBatchNormHelper, MKLDNNSubsamplingHelper")
                .containsPattern("threads +\\d+ native threads now \\(OMP_NUM_THREADS\\), pools of up to \\d+ "
                        + "\\(SD_MAX_THREADS\\); trainings: ")
                .doesNotContain("FAILED")
                .doesNotContain("hunter2");
    }

    @Test
    void doctorSaysWhenLayerHelpersAreTurnedOff() {
        CliRunner.Result result = CliRunner.run("doctor", "--conf", "native-helpers=false");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("layer helpers off (native-helpers=false): DL4J's built-in Java path")
                .containsPattern("native-helpers +false  \\[command line\\]");
    }
}
