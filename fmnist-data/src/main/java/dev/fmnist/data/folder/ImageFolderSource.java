package dev.fmnist.data.folder;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.DataException;
import dev.fmnist.image.ImageInputException;
import dev.fmnist.image.ImagePreprocessor;
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
 * by a seeded shuffle, so the split is stratified and the same for the same seed; a folder that comes split, with
 * {@code train/} and {@code test/} sub-folders each holding the class folders, is taken as it is. A file that is
 * not a readable image is skipped and reported by name ({@link #skipped()}), never a failure of the whole source.
 */
public final class ImageFolderSource implements DataSource {

    /** The sub-folders of a folder that comes split: {@code DIR/train/<class>/} and {@code DIR/test/<class>/}. */
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    /** A file left out, and why. */
    public record Skipped(Path file, String reason) {}

    private final Path root;
    private final List<String> classNames;
    private final LabelledImages train;
    private final LabelledImages test;
    private final List<Skipped> skipped;
    private final String fingerprint;
    private final boolean presplit;
    private final List<String> trainIds;
    private final List<String> testIds;

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
        Path trainRoot = root.resolve(TRAIN);
        Path testRoot = root.resolve(TEST);
        boolean presplit = Files.isDirectory(trainRoot) && Files.isDirectory(testRoot);
        this.classNames = classFolders(presplit ? trainRoot : root).stream()
                .map(p -> p.getFileName().toString()).toList();
        List<Skipped> left = new ArrayList<>();
        Images train = new Images();
        Images test = new Images();
        if (presplit) {
            for (Path folder : classFolders(testRoot)) {
                if (!classNames.contains(folder.getFileName().toString())) {
                    throw new DataException(folder + " is a class that " + trainRoot + " does not have: the test "
                            + "images' classes must be among the training images' " + classNames);
                }
            }
        }
        Random random = new Random(seed);
        for (int label = 0; label < classNames.size(); label++) {
            String name = classNames.get(label);
            List<Image> images = read(presplit ? trainRoot.resolve(name) : root.resolve(name), preprocessor, left);
            if (presplit) {
                train.addAll(images, label);
                Path testFolder = testRoot.resolve(name);
                test.addAll(Files.isDirectory(testFolder) ? read(testFolder, preprocessor, left) : List.<Image>of(),
                        label);
                continue;
            }
            Collections.shuffle(images, random);
            int testCount = images.size() < 2 ? 0 : Math.max(1, (int) Math.round(images.size() * testFraction));
            test.addAll(images.subList(0, testCount), label);
            train.addAll(images.subList(testCount, images.size()), label);
        }
        if (train.pixels.isEmpty()) {
            throw new DataException((presplit ? trainRoot : root) + " holds no readable image in its class folders"
                    + (left.isEmpty() ? "" : " (" + left.size() + " files skipped, the first: " + left.get(0).file()
                    + ": " + left.get(0).reason() + ")"));
        }
        this.presplit = presplit;
        this.train = labelled(train);
        this.test = labelled(test);
        this.trainIds = List.copyOf(train.ids);
        this.testIds = List.copyOf(test.ids);
        this.skipped = List.copyOf(left);
        this.fingerprint = sha256(this.train);
    }

    /** One readable file: its pixels and its path in the folder. */
    private record Image(byte[] pixels, String id) {}

    /** Pixels, labels and ids gathered class by class. */
    private static final class Images {
        final List<byte[]> pixels = new ArrayList<>();
        final List<Integer> labels = new ArrayList<>();
        final List<String> ids = new ArrayList<>();

        void addAll(List<Image> images, int label) {
            for (Image image : images) {
                pixels.add(image.pixels());
                labels.add(label);
                ids.add(image.id());
            }
        }
    }

    private List<Image> read(Path folder, ImagePreprocessor preprocessor, List<Skipped> left) {
        List<Image> images = new ArrayList<>();
        for (Path file : files(folder)) {
            try {
                images.add(new Image(preprocessor.pixels(Files.readAllBytes(file), file.getFileName().toString()),
                        root.relativize(file).toString()));
            } catch (ImageInputException | IOException e) {
                left.add(new Skipped(file, e.getMessage()));
            }
        }
        return images;
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

    private LabelledImages labelled(Images images) {
        List<byte[]> pixels = images.pixels;
        List<Integer> labels = images.labels;
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

    /** Whether the folder came split into {@code train/} and {@code test/}, rather than split here. */
    public boolean presplit() {
        return presplit;
    }

    /** Each training image's file, relative to the folder ({@code Bag/00003.png}), in image order. */
    public List<String> trainingIds() {
        return trainIds;
    }

    /** Each test image's file, relative to the folder, in image order. */
    public List<String> testIds() {
        return testIds;
    }

    /** Files that were left out, with the reason, in class and name order. */
    public List<Skipped> skipped() {
        return skipped;
    }

    @Override
    public String description() {
        return "image folder " + root + " (" + (train.count() + test.count()) + " images, " + classNames.size()
                + " classes" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped")
                + (presplit ? ", split into train/ and test/" : "") + ")";
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
