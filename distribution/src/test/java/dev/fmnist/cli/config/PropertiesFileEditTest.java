package dev.fmnist.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    @Test
    void theFileKeepsItsLineEndingsItsPermissionsAndItsPlaceBehindALink() throws Exception {
        Path file = dir.resolve("real.properties");
        Files.writeString(file, "# windows\r\nseed = 7\r\n#train.threads = auto\r\nruns.dir = r", StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        Path link = Files.createSymbolicLink(dir.resolve("fmnist.properties"), file);

        PropertiesFileEdit.set(link, "train.threads", "cnn:1");

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
                .isEqualTo("# windows\r\nseed = 7\r\n#train.threads = auto\r\ntrain.threads = cnn:1\r\nruns.dir = r");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw-r--");
        assertThat(PropertiesFileEdit.get(link, "train.threads")).contains("cnn:1");
    }

    @Test
    void aRepeatedKeyReadsAsThePlatformReadsIt() throws Exception {
        Path file = write("train.threads = cnn:1", "train.threads = 2");
        assertThat(PropertiesFileEdit.get(file, "train.threads")).as("Commons Configuration's first value")
                .contains("cnn:1");
    }

    private Path write(String... lines) throws Exception {
        Path file = dir.resolve("fmnist.properties");
        Files.write(file, List.of(lines));
        return file;
    }
}
