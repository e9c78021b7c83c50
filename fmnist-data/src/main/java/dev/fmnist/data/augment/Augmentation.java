package dev.fmnist.data.augment;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.LabelledImages;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The augmentation of a run's training images, parsed from a spec such as {@code crop,flip,erase}:
 * <ul>
 *   <li>{@code crop[:P]}: random crop after zero padding of P pixels (default 4; 1..8), that is a shift of up
 *       to P pixels;</li>
 *   <li>{@code flip}: horizontal flip with probability 1/2;</li>
 *   <li>{@code erase[:p[:amin-amax[:r]]]}: random erasing with probability p (default 0.5) of an area share
 *       in [amin, amax] (default 0.02-0.4) with aspect ratio in [r, 1/r] (default 0.3);</li>
 *   <li>{@code photo[:p]}: with probability p (default 0.5), what a product photo leaves after the
 *       conversion: a duller item, sometimes a slight blur, sensor noise ({@link PhotoLook}).</li>
 * </ul>
 * Transforms run photo, crop, flip, erase, whatever the spec's order. {@code none} (or an empty spec) is no augmentation.
 */
public final class Augmentation {

    private static final Augmentation NONE = new Augmentation(List.of());

    private final List<ImageTransform> transforms;

    private Augmentation(List<ImageTransform> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    public static Augmentation none() {
        return NONE;
    }

    /** @throws IllegalArgumentException naming the part of the spec that is wrong */
    public static Augmentation parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equals("none")) {
            return NONE;
        }
        RandomCrop crop = null;
        HorizontalFlip flip = null;
        RandomErasing erase = null;
        PhotoLook photo = null;
        for (String part : spec.split(",")) {
            String[] fields = part.trim().split(":");
            try {
                switch (fields[0]) {
                    case "crop" -> crop = new RandomCrop(fields.length > 1 ? Integer.parseInt(fields[1]) : 4);
                    case "flip" -> flip = new HorizontalFlip();
                    case "erase" -> erase = erasing(fields);
                    case "photo" -> photo = new PhotoLook(fields.length > 1 ? Double.parseDouble(fields[1]) : 0.5);
                    default -> throw new IllegalArgumentException("unknown augmentation '" + fields[0]
                            + "'; known: crop[:PADDING], flip, erase[:P[:AMIN-AMAX[:RATIO]]], photo[:P]");
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("augmentation '" + part.trim() + "' has a value that is not a "
                        + "number; write crop:4, flip or erase:0.5:0.02-0.4:0.3");
            }
        }
        List<ImageTransform> transforms = new ArrayList<>();
        // The photo look first: it changes the item's pixels, the others where they are.
        for (ImageTransform transform : new ImageTransform[] {photo, crop, flip, erase}) {
            if (transform != null) {
                transforms.add(transform);
            }
        }
        return new Augmentation(transforms);
    }

    private static RandomErasing erasing(String[] fields) {
        RandomErasing d = RandomErasing.DEFAULT;
        double probability = fields.length > 1 ? Double.parseDouble(fields[1]) : d.probability();
        double minArea = d.minArea();
        double maxArea = d.maxArea();
        if (fields.length > 2) {
            String[] range = fields[2].split("-");
            minArea = Double.parseDouble(range[0]);
            maxArea = Double.parseDouble(range[1]);
        }
        double ratio = fields.length > 3 ? Double.parseDouble(fields[3]) : d.ratio();
        return new RandomErasing(probability, minArea, maxArea, ratio);
    }

    public boolean isNone() {
        return transforms.isEmpty();
    }

    /** Applies every transform to one image's bytes, in place. */
    public void apply(byte[] pixels, ImageShape shape, SplittableRandom random) {
        if (shape.channels() != 1) {
            throw new IllegalArgumentException("augmentation works on grey images, got " + shape);
        }
        for (ImageTransform transform : transforms) {
            transform.apply(pixels, shape.height(), shape.width(), random);
        }
    }

    /**
     * The generator of one image's augmentation: a function of the run's seed, the epoch and the image's place
     * in the epoch only, so the same seed gives the same augmented batches, also after a resume.
     */
    public static SplittableRandom random(long seed, int epoch, int position) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + position);
    }

    /** An augmented copy of a whole set (for previews): image {@code i} as it would look at place {@code i}. */
    public LabelledImages applyAll(LabelledImages images, long seed, int epoch) {
        int size = images.shape().pixels();
        byte[] pixels = new byte[images.count() * size];
        byte[] labels = new byte[images.count()];
        byte[] image = new byte[size];
        for (int i = 0; i < images.count(); i++) {
            images.pixelBuffer().get(i * size, image);
            apply(image, images.shape(), random(seed, epoch, i));
            System.arraycopy(image, 0, pixels, i * size, size);
            labels[i] = (byte) images.label(i);
        }
        return new LabelledImages(images.shape(), pixels, labels, images.classNames());
    }

    /** The canonical spec, every parameter written out; {@code none} when empty. Recorded in runs and manifests. */
    @Override
    public String toString() {
        return transforms.isEmpty() ? "none"
                : transforms.stream().map(ImageTransform::spec).collect(Collectors.joining(","));
    }
}
