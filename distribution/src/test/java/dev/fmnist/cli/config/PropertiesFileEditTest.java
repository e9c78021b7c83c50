package dev.fmnist.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileEditTest {

    @TempDir
    Path dir;

    @Test
    void aKeyWithItsDefaultCommentedOutIsWrittenUnderThatLine() throws Exception {
        Path file = write("# header", "# Native threads.", "#train.threads = auto", "", "#native-helpers = true");
        PropertiesFileEdit.set(file, "train.threads", "cnn:1, resnet:2x1");
        assertThat(Files.readAllLines(file)).containsExactly("# header", "# Native threads.", "#train.threads = auto",
                "train.threads = cnn:1, resnet:2x1", "", "#native-helpers = true");
        assertThat(PropertiesFileEdit.get(file, "train.threads")).contains("cnn:1, resnet:2x1");
    }

    @Test
    void aKeyAlreadySetIsReplacedWhereItIsWithItsContinuationLines() throws Exception {
        Path file = write("seed = 7", "train.threads = cnn:2, \\", "    resnet:1", "train.threads.other = x",
                "runs.dir = runs");
        PropertiesFileEdit.set(file, "train.threads", "cnn:1");
        assertThat(Files.readAllLines(file)).containsExactly("seed = 7", "train.threads = cnn:1",
                "train.threads.other = x", "runs.dir = runs");
    }

    @Test
    void aKeySetTwiceKeepsOneLineWhereTheFirstWas() throws Exception {
        Path file = write("train.threads: 2", "seed = 1", "train.threads 1");
        PropertiesFileEdit.set(file, "train.threads", "auto");
        assertThat(Files.readAllLines(file)).containsExactly("train.threads = auto", "seed = 1");
    }

    @Test
    void aMissingKeyIsAppendedAndAMissingFileMade() throws Exception {
        Path file = write("seed = 7");
        PropertiesFileEdit.set(file, "train.threads", "2x1");
        assertThat(Files.readAllLines(file)).containsExactly("seed = 7", "train.threads = 2x1");

        Path fresh = dir.resolve("new.properties");
        assertThat(PropertiesFileEdit.get(fresh, "train.threads")).isEmpty();
        PropertiesFileEdit.set(fresh, "train.threads", "1");
        assertThat(Files.readAllLines(fresh)).containsExactly("train.threads = 1");
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temporary file left").hasSize(2);
        }
    }

    private Path write(String... lines) throws Exception {
        Path file = dir.resolve("fmnist.properties");
        Files.write(file, List.of(lines));
        return file;
    }
}
