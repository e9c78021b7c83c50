package dev.fmnist.data.idx;

import static dev.fmnist.data.IdxTestFiles.gzip;
import static dev.fmnist.data.IdxTestFiles.idx;
import static dev.fmnist.data.IdxTestFiles.images;
import static dev.fmnist.data.IdxTestFiles.labels;
import static dev.fmnist.data.IdxTestFiles.sha256;
import static dev.fmnist.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.data.DataException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsPlainImages() {
        byte[] content = images(3, 2, 4);
        IdxImages read = IdxReader.readImages(write(dir.resolve("imgs"), content));
        assertThat(read.count()).isEqualTo(3);
        assertThat(read.rows()).isEqualTo(2);
        assertThat(read.columns()).isEqualTo(4);
        assertThat(read.pixels()).hasSize(24);
        assertThat(Byte.toUnsignedInt(read.pixels()[8 + 5])).isEqualTo((7 + 5) % 256);
        assertThat(read.sha256()).isEqualTo(sha256(content));
    }

    @Test
    void readsGzippedFilesWhateverTheirName() {
        byte[] content = labels(9, 0, 3, 255);
        IdxLabels read = IdxReader.readLabels(write(dir.resolve("labels.bin"), gzip(content)));
        assertThat(read.labels()).containsExactly(9, 0, 3, -1);
        assertThat(read.sha256()).as("checksum of the decompressed content").isEqualTo(sha256(content));
    }

    @Test
    void wrongMagicSaysWhatTheFileLooksLike() {
        Path file = write(dir.resolve("swapped.gz"), gzip(labels(1, 2)));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("magic number 0x00000801 (an IDX label file), expected 0x00000803");
    }

    @Test
    void notAnIdxFileAtAll() {
        Path file = write(dir.resolve("page.html"), "<html>Not found</html>".getBytes());
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("not an IDX file of unsigned bytes");
    }

    @Test
    void truncatedBodySaysHowMuchIsThere() {
        byte[] content = images(10, 4, 4);
        Path file = write(dir.resolve("short"), Arrays.copyOf(content, content.length - 20));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("truncated: header promises 10 images of 4x4 (160 bytes) but only 140 bytes follow (8 whole records)");
    }

    @Test
    void truncatedGzipStream() {
        byte[] gz = gzip(images(50, 8, 8));
        Path file = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void corruptGzipData() {
        byte[] gz = gzip(images(50, 8, 8));
        for (int i = 20; i < 60; i++) {
            gz[i] ^= 0x5A;
        }
        Path file = write(dir.resolve("corrupt.gz"), gz);
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(file.toString() + ":");
    }

    @Test
    void emptyFile() {
        Path file = write(dir.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("ends inside its header");
    }

    @Test
    void headerCutShort() {
        Path file = write(dir.resolve("header"), Arrays.copyOf(images(1, 2, 2), 10));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("ends inside its header");
    }

    @Test
    void trailingBytes() {
        byte[] content = labels(1, 2, 3);
        Path file = write(dir.resolve("long"), Arrays.copyOf(content, content.length + 4));
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("extra bytes after the 3 labels");
    }

    @Test
    void impossibleDimensions() {
        Path negative = write(dir.resolve("negative"), idx(0x803, new int[] {-5, 28, 28}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.readImages(negative))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("image count 4294967291, expected 1..");
        Path huge = write(dir.resolve("huge"), idx(0x803, new int[] {1_000_000, 4096, 4096}, new byte[16]));
        assertThatThrownBy(() -> IdxReader.readImages(huge))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("more than can be loaded");
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> IdxReader.readLabels(dir.resolve("nope.gz")))
                .isInstanceOf(DataException.class)
                .hasMessageEndingWith("nope.gz: file not found");
    }
}
