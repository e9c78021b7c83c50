package dev.fmnist.data.image;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.image.ClassFolder;
import dev.fmnist.image.DatasetImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * Writes labelled images as a folder of labelled images, one sub-folder per class ({@code Trouser/00002.png}),
 * the layout teams keep their catalogs in: real files for tests, examples and the folder data source.
 */
public final class ImageFolderExport {

    private ImageFolderExport() {}

    /** The sub-folder of a class ({@link ClassFolder#name}). */
    public static String folderName(String className) {
        return ClassFolder.name(className);
    }

    /**
     * Writes at most {@code perClass} images of each class, in set order, as 28x28 PNGs exactly as stored or,
     * with {@code photos}, as product photos ({@link ProductPhotos}, seeded); returns the number written.
     */
    public static int write(LabelledImages images, Path folder, int perClass, ProductPhotos photos) {
        return write(images, folder, perClass, photos, label -> true);
    }

    /** As {@link #write(LabelledImages, Path, int, ProductPhotos)}, only the classes whose label passes. */
    public static int write(LabelledImages images, Path folder, int perClass, ProductPhotos photos,
            IntPredicate classes) {
        int[] written = new int[images.classNames().size()];
        int total = 0;
        try {
            for (int label = 0; label < images.classNames().size(); label++) {
                if (classes.test(label)) {
                    Files.createDirectories(folder.resolve(folderName(images.classNames().get(label))));
                }
            }
            for (int i = 0; i < images.count(); i++) {
                int label = images.label(i);
                if (written[label] >= perClass || !classes.test(label)) {
                    continue;
                }
                Path classFolder = folder.resolve(folderName(images.classNames().get(label)));
                if (photos == null) {
                    Files.write(classFolder.resolve(String.format(Locale.ROOT, "%05d.png", i)),
                            DatasetImages.png(images, i));
                } else {
                    ProductPhotos.Photo photo = photos.photo(i);
                    Files.write(classFolder.resolve(String.format(Locale.ROOT, "%05d.%s", i, photo.format())),
                            photo.file());
                }
                written[label]++;
                total++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the image folder " + folder + ": " + e.getMessage(), e);
        }
        return total;
    }
}
