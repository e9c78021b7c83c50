package dev.fmnist.data.batch;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.augment.Augmentation;
import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.data.batch.Tensors;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches of a labelled image set, built on demand from the raw bytes: only an index permutation is
 * reshuffled per epoch, never the images. With shuffling on, epoch {@code e}'s order depends only on
 * the seed and {@code e}, so a resumed run sees the same batches as an uninterrupted one.
 */
public final class ImageBatchIterator implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final transient LabelledImages images;
    private final InputEncoder encoder;
    private final Augmentation augmentation;
    private final double labelSmoothing;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    /** The teacher's targets of every image, {@code classes} per image in the set's order; null without one. */
    private final float[] teacher;
    private final double teacherWeight;
    private int epoch;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    private ImageBatchIterator(LabelledImages images, InputLayout layout, Normalization normalization, int batchSize,
            boolean shuffle, long seed, Augmentation augmentation, double labelSmoothing) {
        this.images = requireNonNull(images, "images is null");
        this.encoder = new InputEncoder(normalization, layout, images.shape());
        this.augmentation = requireNonNull(augmentation, "augmentation is null");
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.order = new int[images.count()];
        this.teacher = null;
        this.teacherWeight = 0;
        startEpoch(1);
    }

    private ImageBatchIterator(ImageBatchIterator from, float[] teacher, double teacherWeight) {
        this.images = from.images;
        this.encoder = from.encoder;
        this.augmentation = from.augmentation;
        this.labelSmoothing = from.labelSmoothing;
        this.batchSize = from.batchSize;
        this.shuffle = from.shuffle;
        this.seed = from.seed;
        this.order = new int[images.count()];
        this.teacher = teacher;
        this.teacherWeight = teacherWeight;
        startEpoch(from.epoch);
    }

    /** Shuffled batches: a new order each epoch, derived from {@code seed}. */
    public static ImageBatchIterator shuffled(LabelledImages images, InputLayout layout, Normalization normalization,
            int batchSize, long seed) {
        return shuffled(images, layout, normalization, batchSize, seed, Augmentation.none(), 0);
    }

    /**
     * Shuffled training batches whose images are augmented as each batch is built, from the seed, the epoch
     * and each image's place in it, and whose labels are smoothed (Szegedy et al., "Rethinking the Inception
     * Architecture", 2016): {@code 1 - labelSmoothing + labelSmoothing / classes} for the true class,
     * {@code labelSmoothing / classes} for every other; cross-entropy takes such soft targets as they are.
     */
    public static ImageBatchIterator shuffled(LabelledImages images, InputLayout layout, Normalization normalization,
            int batchSize, long seed, Augmentation augmentation, double labelSmoothing) {
        return new ImageBatchIterator(images, layout, normalization, batchSize, true, seed, augmentation,
                labelSmoothing);
    }

    /** Batches in the set's own order, for validation, evaluation and prediction. */
    public static ImageBatchIterator sequential(LabelledImages images, InputLayout layout,
            Normalization normalization, int batchSize) {
        return new ImageBatchIterator(images, layout, normalization, batchSize, false, 0, Augmentation.none(), 0);
    }

    /**
     * The same batches whose labels are mixed with a teacher's targets (knowledge distillation): {@code (1 - weight)}
     * of each label (smoothed, if so) plus {@code weight} of the teacher's row for that image.
     *
     * @param targets the teacher's targets of every image of the set, in the set's order, a row of one value per class
     *                each (so {@code count * classes} values), each row summing to 1
     * @param weight  the teacher's share, in (0, 1]
     */
    public ImageBatchIterator withTeacher(float[] targets, double weight) {
        int expected = images.count() * images.classNames().size();
        if (targets.length != expected) {
            throw new IllegalArgumentException("the teacher's targets have " + targets.length + " values, and "
                    + images.count() + " images of " + images.classNames().size() + " classes need " + expected);
        }
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("the teacher's weight must be in (0, 1], got " + weight);
        }
        return new ImageBatchIterator(this, targets, weight);
    }

    /** Rewinds to the start of the given 1-based epoch, with that epoch's order. */
    public void startEpoch(int epoch) {
        this.epoch = epoch;
        this.cursor = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            // Fisher-Yates with a generator seeded per epoch.
            Random random = new Random(seed * 1_000_003L + epoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }
    }

    public int epoch() {
        return epoch;
    }

    /** Batches per epoch, the last one possibly smaller. */
    public int batchesPerEpoch() {
        return (images.count() + batchSize - 1) / batchSize;
    }

    public int imageCount() {
        return images.count();
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        }
        int count = Math.min(num, order.length - cursor);
        INDArray labels = Tensors.oneHotLabels(images, order, cursor, count);
        if (labelSmoothing > 0) {
            labels.muli(1 - labelSmoothing).addi(labelSmoothing / images.classNames().size());
        }
        if (teacher != null) {
            labels.muli(1 - teacherWeight).addi(teacherTargets(count).muli(teacherWeight));
        }
        DataSet batch = new DataSet(features(count), labels);
        cursor += count;
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    private INDArray teacherTargets(int count) {
        int classes = images.classNames().size();
        float[] rows = new float[count * classes];
        for (int i = 0; i < count; i++) {
            System.arraycopy(teacher, order[cursor + i] * classes, rows, i * classes, classes);
        }
        return Nd4j.create(rows, new long[] {count, classes}, 'c');
    }

    private INDArray features(int count) {
        if (augmentation.isNone()) {
            return encoder.features(images, order, cursor, count);
        }
        int size = encoder.pixels();
        float[] rows = new float[count * size];
        byte[] image = new byte[size];
        ByteBuffer pixels = images.pixelBuffer();
        for (int i = 0; i < count; i++) {
            pixels.get(order[cursor + i] * size, image);
            augmentation.apply(image, images.shape(), Augmentation.random(seed, epoch, cursor + i));
            encoder.encodeBytes(image, 0, rows, i);
        }
        return encoder.batch(rows, count);
    }

    @Override
    public int inputColumns() {
        return images.shape().pixels();
    }

    @Override
    public int totalOutcomes() {
        return images.classNames().size();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    /** Starts the next epoch (reshuffled when shuffling), as DL4J's own fit loop expects. */
    @Override
    public void reset() {
        startEpoch(epoch + 1);
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return images.classNames();
    }
}
