package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate, compare and predict through the real CLI on a short real run. */
@Tag("dataset")
class EvalCommandsTest {

    @TempDir
    static Path dir;

    static Path run;

    @BeforeAll
    static void train() {
        run = dir.resolve("runs/mlp-short");
        CliRunner.Result result = CliRunner.run("train", "--model", "mlp", "--epochs", "2", "--limit", "2000",
                "--out", run.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
    }

    @Test
    void evaluatePrintsTheHeadlineFiguresAndWritesTheReport() {
        CliRunner.Result result = CliRunner.run("evaluate", run.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("mlp on the test split \\(10,000 images\\): accuracy [0-9.]+%, top-2")
                .contains("worst class: ").contains("report: " + run.resolve("eval/report.html"));
        assertThat(run.resolve("eval/metrics.json")).exists();
        assertThat(run.resolve("eval/confusion.png")).exists();
    }

    @Test
    void compareOverARunsFolder() {
        Path out = dir.resolve("cmp");
        CliRunner.Result result = CliRunner.run("compare", "--runs-dir", dir.resolve("runs").toString(), "--out",
                out.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("| mlp | 109,386 | 2 (best ").contains("written to");
        assertThat(out.resolve("comparison.html")).exists();
        CliRunner.Result markdown = CliRunner.run("compare", "--runs-dir", dir.resolve("runs").toString(), "--out",
                out.toString(), "--markdown");
        assertThat(markdown.out()).startsWith("| model | parameters | epochs | wall time | images/s | CPU | finished | "
                + "test accuracy | flip-averaged |").doesNotContain("written to");
    }

    @Test
    void compareKeepsAResultsTableOneRowPerModel() throws IOException {
        Path table = dir.resolve("results/headline.json");
        Path other = dir.resolve("results/other.json");
        // a row of another model already in the table stays, in its place
        Files.createDirectories(table.getParent());
        Files.writeString(table, "[{\"run\": \"resnet-old\", \"model\": \"resnet\", \"parameters\": 273370, "
                + "\"epochs\": 27, \"bestEpoch\": 27, \"trainingSeconds\": 9660, \"imagesPerSecond\": 150, "
                + "\"testAccuracy\": 0.9439, \"flipAveragedAccuracy\": 0.9468, \"macroF1\": 0.944, "
                + "\"worstClass\": \"Shirt\", \"worstF1\": 0.83, \"calibrationError\": 0.02, \"cpu\": \"AMD EPYC\", "
                + "\"finished\": \"2026-11-30\"}]");
        for (int round = 0; round < 2; round++) {
            CliRunner.Result result = CliRunner.run("compare", run.toString(), "--out", dir.resolve("cmp-t").toString(),
                    "--table", table.toString(), "--markdown");
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out().lines().toList()).as("the header, its rule, resnet's row kept, mlp's added once")
                    .hasSize(4);
            assertThat(result.out().lines().skip(2).toList()).satisfiesExactly(
                    resnet -> assertThat(resnet).startsWith("| resnet | 273,370 | 27 (best 27) | 2 h 41 min | 150 | "
                            + "AMD EPYC | 2026-11-30 | 94.39% | 94.68% |"),
                    mlp -> assertThat(mlp).startsWith("| mlp | 109,386 | 2 (best "));
        }
        assertThat(Files.readString(table)).contains("\"model\" : \"mlp\"").contains("\"run\" : \"resnet-old\"");

        Files.writeString(other, "{\"not\": \"a table\"}");
        CliRunner.Result bad = CliRunner.run("compare", run.toString(), "--out", dir.resolve("cmp-t").toString(),
                "--table", other.toString());
        assertThat(bad.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(bad.err()).startsWith("fmnist: " + other + " is not a results table").doesNotContain("\tat ");
    }

    @Test
    void predictClassifiesGoodFilesAndNamesTheBadOne() throws IOException {
        BufferedImage trouser = new BufferedImage(60, 120, BufferedImage.TYPE_INT_RGB);
        var g = trouser.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 60, 120);
        g.setColor(java.awt.Color.DARK_GRAY);
        g.fillRect(12, 4, 36, 30);
        g.fillRect(12, 30, 14, 86);
        g.fillRect(34, 30, 14, 86);
        g.dispose();
        Path good = dir.resolve("trouser.png");
        ImageIO.write(trouser, "png", good.toFile());
        Path bad = Files.writeString(dir.resolve("notes.txt"), "not an image");

        CliRunner.Result result = CliRunner.run("predict", run.toString(), good.toString(), bad.toString(),
                dir.resolve("missing.png").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).as("the drawn trousers come out as Trouser, then two runners-up")
                .containsPattern(java.util.regex.Pattern.quote(good.toString())
                        + ": Trouser [0-9.]+%, [A-Za-z/ -]+ [0-9.]+%, [A-Za-z/ -]+ [0-9.]+%");
        assertThat(result.err()).contains("fmnist: " + bad + " is not an image in a supported format")
                .contains("fmnist: " + dir.resolve("missing.png") + ": no such file")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingRunFolderIsOneSentence() {
        CliRunner.Result result = CliRunner.run("evaluate", dir.resolve("nothing").toString());
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err().strip()).isEqualTo("fmnist: no run folder at " + dir.resolve("nothing"));
    }
}
