package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear sentence and an exit code, never a stack trace. */
class CliErrorsTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownCommandIsAUsageErrorWithSuggestionsWithOrWithoutHelp() {
        for (String[] args : new String[][] {{"trian"}, {"trian", "--help"}, {"data", "infoo", "-h"}}) {
            CliRunner.Result result = CliRunner.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.err()).as(String.join(" ", args)).contains("Unmatched argument at index")
                    .contains("Did you mean");
            assertThat(result.out()).as("no usage on stdout for " + String.join(" ", args)).isEmpty();
        }
        CliRunner.Result suggested = CliRunner.run("trian", "--help");
        assertThat(suggested.err()).contains("fmnist train");
        CliRunner.Result nothingLike = CliRunner.run("nosuch", "--help");
        assertThat(nothingLike.exitCode()).isEqualTo(2);
        assertThat(nothingLike.err()).contains("Unmatched argument at index 0: 'nosuch'");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithSuggestionsWithOrWithoutHelp() {
        for (String[] args : new String[][] {{"train", "--epoch", "1"}, {"train", "--epoch", "1", "--help"}}) {
            CliRunner.Result result = CliRunner.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.err()).as(String.join(" ", args)).contains("Unknown options: '--epoch', '1'")
                    .contains("Possible solutions: --epochs");
        }
        CliRunner.Result help = CliRunner.run("train", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--epochs");
    }

    @Test
    void aSecretOnTheCommandLineNeverReachesTheLog() {
        assertThat(ErrorReporter.masked(java.util.List.of("serve", "--conf", "server.api-key=hunter2", "--conf",
                "server.port=9000", "--conf=server.api-key=x y")))
                .isEqualTo("serve --conf server.api-key=**** --conf server.port=9000 --conf=server.api-key=****");
    }

    @Test
    void badConfigurationValuesAreListedTogether() {
        CliRunner.Result result = CliRunner.run("data", "info", "--conf", "seed=x", "--conf",
                "data.validation-fraction=0", "--conf", "data.dri=/x");
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.CONFIG_ERROR);
        assertThat(result.err())
                .startsWith("fmnist: configuration errors:")
                .contains("seed = 'x' (from command line): expected a whole number")
                .contains("data.validation-fraction = '0' (from command line)")
                .contains("did you mean 'data.dir'?")
                .doesNotContain("\tat ");
    }

    @Test
    void missingDataFolderNamesTheFolderAndWhereItWasSet() {
        Path missing = dir.resolve("nowhere");
        CliRunner.Result result = CliRunner.run("data", "info", "--data-dir", missing.toString());
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err().strip())
                .isEqualTo("fmnist: data.dir (from command line) = " + missing + ": no such folder");
    }

    @Test
    void serveNamesAMissingModelsFolder() {
        Path missing = dir.resolve("runs");
        CliRunner.Result result = CliRunner.run("serve", "--models-dir", missing.toString(), "--port", "0");
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err().strip()).isEqualTo("fmnist: --models-dir " + missing + ": no such folder");
    }

    @Test
    void corruptDataFileIsNamed() throws Exception {
        Path folder = dir.resolve("fm");
        java.nio.file.Files.createDirectories(folder);
        for (String name : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            java.nio.file.Files.write(folder.resolve(name), new byte[] {0, 0, 8, 3, 0});
        }
        CliRunner.Result result = CliRunner.run("data", "info", "--data-dir", folder.toString());
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err()).contains("fmnist: " + folder).contains("ends inside its header").doesNotContain("\tat ");
    }

    @Test
    void badArgumentsGetUsageHelp() {
        CliRunner.Result result = CliRunner.run("data", "preview", "--out", dir.resolve("x.png").toString(),
                "--per-class", "0");
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err().strip()).isEqualTo("fmnist: --per-class must be between 1 and 50, got 0");
    }

    @Test
    void versionNamesThePlatformItsSpiAndDl4j() {
        CliRunner.Result result = CliRunner.run("--version");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("fmnist 0.").contains("plugin SPI (fmnist-api) 0.3.")
                .contains("Deeplearning4j/ND4J 1.0.0-M2.1");
    }
}
