package dev.fmnist.data.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.DataException;
import dev.fmnist.data.RealDataset;
import dev.fmnist.data.image.ImageFolderExport;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.data.image.ProductPhotos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real folder of labelled images, written by the exporter from test images. */
@Tag("dataset")
class ImageFolderSourceTest {

    @TempDir
    Path dir;

    private final LabelledImages test = RealDataset.get().dataset().testImages();
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS);

    @Test
    void classesComeFromTheFoldersTheSplitIsStratifiedAndSeededAndPixelsSurvive() {
        Path catalog = dir.resolve("catalog");
        assertThat(ImageFolderExport.write(test, catalog, 10, null)).isEqualTo(100);

        ImageFolderSource source = new ImageFolderSource(catalog, 42, 0.2, preprocessor);
        assertThat(source.classNames()).containsExactly("Ankle boot", "Bag", "Coat", "Dress", "Pullover", "Sandal",
                "Shirt", "Sneaker", "T-shirt-top", "Trouser");
        assertThat(source.trainingImages().classCounts()).containsOnly(8);
        assertThat(source.testImages().classCounts()).containsOnly(2);
        assertThat(source.skipped()).isEmpty();
        assertThat(source.description()).isEqualTo("image folder " + catalog + " (100 images, 10 classes)");

        ImageFolderSource again = new ImageFolderSource(catalog, 42, 0.2, preprocessor);
        assertThat(again.fingerprint()).isEqualTo(source.fingerprint());
        assertThat(new ImageFolderSource(catalog, 7, 0.2, preprocessor).fingerprint())
                .as("another seed, another split").isNotEqualTo(source.fingerprint());

        // The stored PNGs come back as the dataset's own pixels: every exported trouser is among the sources'.
        int trouser = source.classNames().indexOf("Trouser");
        byte[] first = new byte[784];
        for (int p = 0; p < 784; p++) {
            first[p] = (byte) test.pixel(2, p);  // test image 2 is the first trouser
        }
        LabelledImages all = source.trainingImages();
        boolean found = false;
        for (int i = 0; i < all.count(); i++) {
            byte[] pixels = new byte[784];
            for (int p = 0; p < 784; p++) {
                pixels[p] = (byte) all.pixel(i, p);
            }
            found |= all.label(i) == trouser && Arrays.equals(pixels, first);
        }
        LabelledImages held = source.testImages();
        for (int i = 0; i < held.count(); i++) {
            byte[] pixels = new byte[784];
            for (int p = 0; p < 784; p++) {
                pixels[p] = (byte) held.pixel(i, p);
            }
            found |= held.label(i) == trouser && Arrays.equals(pixels, first);
        }
        assertThat(found).isTrue();
    }

    @Test
    void aFolderThatComesSplitIsTakenAsItIs() throws IOException {
        Path catalog = dir.resolve("split");
        ImageFolderExport.write(test, catalog.resolve("train"), 6, null);
        ImageFolderExport.write(test, catalog.resolve("test"), 3, null);
        try (var bags = Files.list(catalog.resolve("test/Bag"))) {
            Files.delete(bags.sorted().findFirst().orElseThrow());
        }

        ImageFolderSource source = new ImageFolderSource(catalog, 42, 0.2, preprocessor);
        assertThat(source.presplit()).isTrue();
        assertThat(source.classNames()).hasSize(10).contains("Bag", "Trouser");
        assertThat(source.trainingImages().classCounts()).containsOnly(6);
        assertThat(source.testImages().count()).isEqualTo(29);
        assertThat(source.testImages().classCounts()[source.classNames().indexOf("Bag")]).isEqualTo(2);
        assertThat(source.description()).isEqualTo("image folder " + catalog
                + " (89 images, 10 classes, split into train/ and test/)");

        Files.createDirectories(catalog.resolve("test/Hats"));
        assertThatThrownBy(() -> new ImageFolderSource(catalog, 42, 0.2, preprocessor))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(catalog.resolve("test/Hats") + " is a class that " + catalog.resolve("train")
                        + " does not have");
    }

    @Test
    void aCorruptFileIsSkippedAndReportedByNamePhotosAreConverted() throws IOException {
        Path catalog = dir.resolve("photos");
        ImageFolderExport.write(test, catalog, 3, new ProductPhotos(test, 5));
        Path broken = Files.writeString(catalog.resolve("Bag").resolve("notes.jpg"), "not an image");
        ImageFolderSource source = new ImageFolderSource(catalog, 1, 0.34, preprocessor);
        assertThat(source.trainingImages().count() + source.testImages().count()).isEqualTo(30);
        assertThat(source.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.file()).isEqualTo(broken);
            assertThat(skipped.reason()).contains("notes.jpg is not an image");
        });
        assertThat(source.description()).endsWith("(30 images, 10 classes, 1 skipped)");
    }

    @Test
    void aFolderWithoutClassFoldersIsAClearError() throws IOException {
        Files.createDirectories(dir.resolve("flat"));
        Files.writeString(dir.resolve("flat").resolve("a.png"), "x");
        assertThatThrownBy(() -> new ImageFolderSource(dir.resolve("flat"), 1, 0.2, preprocessor))
                .isInstanceOf(DataException.class)
                .hasMessage(dir.resolve("flat") + " needs a sub-folder per class (at least two), such as "
                        + dir.resolve("flat").resolve("Hats") + "; it has 0");
        assertThatThrownBy(() -> new ImageFolderSource(dir.resolve("missing"), 1, 0.2, preprocessor))
                .hasMessage("no image folder at " + dir.resolve("missing"));
    }
}
