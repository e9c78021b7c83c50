package dev.fmnist.data.folder;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.DataException;
import dev.fmnist.data.image.ImageInputException;
import dev.fmnist.data.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A team's catalog as a data source: a folder with one sub-folder per class ({@code catalog/Hats/*.jpg}), the
 * class names the sub-folders' names in sorted order, every image of any size and format ImageIO reads made
 * 28x28 by the same conversion as every other image input. Each class is split into training and test images
 * by a seeded shuffle, so the split is stratified and the same for the same seed. A file that is not a
 * readable image is skipped and reported by name ({@link #skipped()}), never a failure of the whole source.
 */
public final class ImageFolderSource implements DataSource {

    /** A file left out, and why. */
    public record Skipped(Path file, String reason) {}

    private final Path root;
    private final List<String> classNames;
    private final LabelledImages train;
    private final LabelledImages test;
    private final List<Skipped> skipped;
    private final String fingerprint;

    /**
     * Reads every image now.
     *
     * @param testFraction share of each class held out as test images (at least one of a class with two or more)
     * @throws DataException when the folder holds no class sub-folders or no readable image
     */
    public ImageFolderSource(Path root, long seed, double testFraction, ImagePreprocessor preprocessor) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new DataException("the test fraction must be between 0 and 1, got " + testFraction);
        }
        this.root = root;
        this.classNames = classFolders(root).stream().map(p -> p.getFileName().toString()).toList();
        List<byte[]> trainPixels = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<byte[]> testPixels = new ArrayList<>();
        List<Integer> testLabels = new ArrayList<>();
        List<Skipped> left = new ArrayList<>();
        Random random = new Random(seed);
        for (int label = 0; label < classNames.size(); label++) {
            List<byte[]> images = new ArrayList<>();
            for (Path file : files(root.resolve(classNames.get(label)))) {
                try {
                    images.add(preprocessor.pixels(Files.readAllBytes(file), file.getFileName().toString()));
                } catch (ImageInputException | IOException e) {
                    left.add(new Skipped(file, e.getMessage()));
                }
            }
            Collections.shuffle(images, random);
            int testCount = images.size() < 2 ? 0 : Math.max(1, (int) Math.round(images.size() * testFraction));
            for (int i = 0; i < images.size(); i++) {
                (i < testCount ? testPixels : trainPixels).add(images.get(i));
                (i < testCount ? testLabels : trainLabels).add(label);
            }
        }
        if (trainPixels.isEmpty()) {
            throw new DataException(root + " holds no readable image in its class folders" + (left.isEmpty() ? ""
                    : " (" + left.size() + " files skipped, the first: " + left.get(0).file() + ": "
                    + left.get(0).reason() + ")"));
        }
        this.train = labelled(trainPixels, trainLabels);
        this.test = labelled(testPixels, testLabels);
        this.skipped = List.copyOf(left);
        this.fingerprint = sha256(train);
    }

    private static List<Path> classFolders(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataException("no image folder at " + root);
        }
        try (Stream<Path> entries = Files.list(root)) {
            List<Path> folders = entries.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
            if (folders.size() < 2) {
                throw new DataException(root + " needs a sub-folder per class (at least two), such as "
                        + root.resolve("Hats") + "; it has " + folders.size());
            }
            return folders;
        } catch (IOException e) {
            throw new DataException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private LabelledImages labelled(List<byte[]> pixels, List<Integer> labels) {
        int size = ImageShape.FASHION_MNIST.pixels();
        byte[] all = new byte[pixels.size() * size];
        byte[] labelBytes = new byte[labels.size()];
        for (int i = 0; i < pixels.size(); i++) {
            System.arraycopy(pixels.get(i), 0, all, i * size, size);
            labelBytes[i] = (byte) (int) labels.get(i);
        }
        return new LabelledImages(ImageShape.FASHION_MNIST, all, labelBytes, classNames);
    }

    private static String sha256(LabelledImages images) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < images.count(); i++) {
                digest.update((byte) images.label(i));
                for (int p = 0; p < images.shape().pixels(); p++) {
                    digest.update((byte) images.pixel(i, p));
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder whose sub-folders are the classes. */
    public Path root() {
        return root;
    }

    /** Files that were left out, with the reason, in class and name order. */
    public List<Skipped> skipped() {
        return skipped;
    }

    @Override
    public String description() {
        return "image folder " + root + " (" + (train.count() + test.count()) + " images, " + classNames.size()
                + " classes" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped") + ")";
    }

    @Override
    public LabelledImages trainingImages() {
        return train;
    }

    @Override
    public LabelledImages testImages() {
        return test;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public ImageShape imageShape() {
        return ImageShape.FASHION_MNIST;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }
}
