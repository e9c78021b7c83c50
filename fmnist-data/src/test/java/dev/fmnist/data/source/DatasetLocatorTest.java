package dev.fmnist.data.source;

import static dev.fmnist.data.IdxTestFiles.images;
import static dev.fmnist.data.IdxTestFiles.labels;
import static dev.fmnist.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.data.DataConfig;
import dev.fmnist.data.DataException;
import dev.fmnist.data.SourceChoice;
import dev.fmnist.image.encode.Normalization;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {

    @TempDir
    Path dir;

    private DataConfig config(Optional<Path> dataDir, Path systemDir) {
        return new DataConfig(dataDir, "env FMNIST_DATA_DIR", systemDir, dir.resolve("cache"),
                URI.create("http://127.0.0.1:9/"), false, 0.1, Normalization.Kind.SCALE, 1,
                SourceChoice.FASHION_MNIST, 0.2);
    }

    private static void writeDataset(Path folder) {
        write(folder.resolve("train-images-idx3-ubyte"), images(3, 2, 2));
        write(folder.resolve("train-labels-idx1-ubyte"), labels(0, 1, 1));
        write(folder.resolve("t10k-images-idx3-ubyte"), images(2, 2, 2));
        write(folder.resolve("t10k-labels-idx1-ubyte"), labels(1, 0));
    }

    @Test
    void configuredFolderComesFirst() {
        writeDataset(dir.resolve("mine"));
        writeDataset(dir.resolve("debian"));
        DatasetLocation location = new DatasetLocator(config(Optional.of(dir.resolve("mine")), dir.resolve("debian")),
                DatasetFiles.FASHION_MNIST, new DatasetDownloader()).locate();
        assertThat(location.folder()).isEqualTo(dir.resolve("mine"));
        assertThat(location.origin()).isEqualTo("data.dir (from env FMNIST_DATA_DIR)");
    }

    @Test
    void systemFolderWhenNothingIsConfigured() {
        writeDataset(dir.resolve("debian"));
        DatasetLocation location = new DatasetLocator(config(Optional.empty(), dir.resolve("debian")),
                DatasetFiles.FASHION_MNIST, new DatasetDownloader()).locate();
        assertThat(location.folder()).isEqualTo(dir.resolve("debian"));
        assertThat(location.origin()).contains("dataset-fashion-mnist");
    }

    @Test
    void incompleteConfiguredFolderIsAnErrorNotAFallback() {
        writeDataset(dir.resolve("debian"));
        write(dir.resolve("mine/train-images-idx3-ubyte"), images(1, 2, 2));
        assertThatThrownBy(() -> new DatasetLocator(config(Optional.of(dir.resolve("mine")), dir.resolve("debian")),
                DatasetFiles.FASHION_MNIST, new DatasetDownloader()).locate())
                .isInstanceOf(DataException.class)
                .hasMessage("data.dir (from env FMNIST_DATA_DIR) = " + dir.resolve("mine") + ": missing "
                        + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz");
    }

    @Test
    void readerRefusesMismatchedPairsAndUnknownLabels() {
        Path folder = dir.resolve("bad");
        writeDataset(folder);
        write(folder.resolve("t10k-labels-idx1-ubyte"), labels(1, 0, 1));
        DatasetReader reader = new DatasetReader(DatasetFiles.FASHION_MNIST, List.of("a", "b"));
        assertThatThrownBy(() -> reader.read(new DatasetLocation(folder, "test")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("holds 2 images but")
                .hasMessageContaining("holds 3 labels");

        write(folder.resolve("t10k-labels-idx1-ubyte"), labels(1, 7));
        assertThatThrownBy(() -> reader.read(new DatasetLocation(folder, "test")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte: label 7 at index 1 is not one of the 2 classes");
    }

    @Test
    void checksumsOfOtherDataAreReportedNotFatal() {
        writeDataset(dir.resolve("mine"));
        LoadedDataset loaded = new DatasetReader(DatasetFiles.FASHION_MNIST, List.of("a", "b"))
                .read(new DatasetLocation(dir.resolve("mine"), "test"));
        assertThat(loaded.allVerified()).isFalse();
        assertThat(loaded.checks()).allSatisfy(check -> assertThat(check.status()).startsWith("MISMATCH"));
    }
}
