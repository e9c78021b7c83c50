package dev.fmnist.runtime.predict;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.runtime.Release;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.nativecpu.LeanDeallocatorService;
import dev.fmnist.runtime.nativecpu.SingleImageDense;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.run.RunDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained model ready to classify: inputs go through the model's own {@link InputEncoder} (its manifest's
 * normalization, image shape and input layout), forward passes run in batches, and classes are ranked
 * once for every caller. Not thread-safe, like the DL4J network inside it: callers serialize access (the
 * server feeds it from one worker).
 */
public final class Predictor {

    /** Images per forward pass when a whole set is classified. */
    private static final int BATCH = 500;

    private final Network network;
    private final ModelManifest manifest;
    private final InputEncoder encoder;
    private final boolean flipAveraging;
    private final boolean calibrated;

    /**
     * Averaging each image with its mirror when the manifest says the model does (an ensemble made so), and answering
     * at the temperature of the manifest's calibration when it has one.
     */
    public Predictor(Network network, ModelManifest manifest) {
        this(network, manifest, manifest.flipAveraged(), true);
    }

    private Predictor(Network network, ModelManifest manifest, boolean flipAveraging, boolean calibrated) {
        this.network = requireNonNull(network, "network is null");
        this.manifest = requireNonNull(manifest, "manifest is null");
        this.encoder = new InputEncoder(manifest.normalization(), manifest.inputLayout(), manifest.imageShape());
        this.flipAveraging = flipAveraging;
        this.calibrated = calibrated && manifest.calibration() != null;
    }

    /**
     * The same model answering with test-time augmentation: the mean of its probabilities for each image and
     * for the image mirrored left to right (two forward passes). Worth it for a model trained with flips. A model
     * whose manifest asks for it (an ensemble made with flips) keeps it either way: it is part of that model.
     */
    public Predictor withFlipAveraging(boolean on) {
        boolean flip = on || manifest.flipAveraged();
        return flip == flipAveraging ? this : new Predictor(network, manifest, flip, calibrated);
    }

    /**
     * The same model answering at its calibration's temperature ({@code on}, the default) or with its network's raw
     * probabilities; a model without calibration answers raw either way.
     */
    public Predictor withCalibration(boolean on) {
        boolean calibrate = on && manifest.calibration() != null;
        return calibrate == calibrated ? this : new Predictor(network, manifest, flipAveraging, calibrate);
    }

    /** Whether the probabilities answered are at the calibration's temperature. */
    public boolean calibrated() {
        return calibrated;
    }

    public boolean flipAveraging() {
        return flipAveraging;
    }

    /**
     * The model's acceptance threshold ({@code fmnist threshold}) when this predictor answers the probabilities it was
     * chosen on: at the temperature it was chosen at, flip-averaged only if the model itself is. Empty otherwise
     * ({@link #acceptanceWithheld} says why), and for a model without one.
     */
    public Optional<Acceptance> acceptance() {
        return acceptanceWithheld().isPresent() ? Optional.empty() : Optional.ofNullable(manifest.acceptance());
    }

    /** Why the model's threshold does not apply to what this predictor answers; empty when it does or has none. */
    public Optional<String> acceptanceWithheld() {
        Acceptance acceptance = manifest.acceptance();
        if (acceptance == null) {
            return Optional.empty();
        }
        if (flipAveraging != manifest.flipAveraged()) {
            return Optional.of("it was chosen on answers of each image alone, and these average each image with its "
                    + "mirror");
        }
        double temperature = calibrated ? manifest.calibration().temperature() : 1;
        if (acceptance.temperature() != temperature) {
            return Optional.of(String.format(Locale.ROOT, "it was chosen on probabilities at temperature "
                    + "%.3f, and these are at %.3f; choose it again with fmnist threshold", acceptance.temperature(),
                    temperature));
        }
        return Optional.empty();
    }

    /** The model of a run folder (see {@link RunDirectory#model()}) or a model file, with platform classes only. */
    public static Predictor load(Path runDirOrModel) {
        return load(runDirOrModel, PluginClasses.platform());
    }

    /**
     * The model of a run folder or a model file, its network restored through its plugin's classes; its dense layers
     * answer a single image as a matrix-vector product ({@link SingleImageDense}), since this network only answers.
     */
    public static Predictor load(Path runDirOrModel, PluginClasses classes) {
        LeanDeallocatorService.install();
        SavedModel saved = ModelFile.load(RunDirectory.modelOf(runDirOrModel), false, classes);
        SingleImageDense.install(saved.network().model());
        return new Predictor(saved.network(), saved.manifest());
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public Network network() {
        return network;
    }

    /** How this model wants its inputs. */
    public InputEncoder encoder() {
        return encoder;
    }

    public List<String> classNames() {
        return manifest.classNames();
    }

    /** Class probabilities [count, classes] of a batch made by {@link #encoder()} or {@link #encode}. */
    public float[][] probabilities(EncodedBatch batch) {
        return answered(forward(batch.rows(), batch.count()), batch.rows(), batch.count());
    }

    /** The network's probabilities of {@code rows} as this predictor answers them: flip-averaged, calibrated. */
    private float[][] answered(float[][] probabilities, float[] rows, int count) {
        withMirrorAveraged(probabilities, rows, count);
        return calibrated ? Temperature.apply(probabilities, manifest.calibration().temperature()) : probabilities;
    }

    /** With flip averaging on, {@code probabilities} averaged in place with those of the mirrored rows. */
    private float[][] withMirrorAveraged(float[][] probabilities, float[] rows, int count) {
        if (flipAveraging) {
            float[][] mirrored = forward(mirror(rows, count), count);
            for (int i = 0; i < count; i++) {
                for (int c = 0; c < probabilities[i].length; c++) {
                    probabilities[i][c] = (probabilities[i][c] + mirrored[i][c]) / 2;
                }
            }
        }
        return probabilities;
    }

    private float[][] forward(float[] rows, int count) {
        INDArray features = encoder.batch(rows, count);
        INDArray output = network.output(features);
        try {
            return output.toFloatMatrix();
        } finally {
            Release.all(features, output);
        }
    }

    /** Each image's rows reversed: channel-major, row-major, in both input layouts. */
    private float[] mirror(float[] rows, int count) {
        int width = encoder.shape().width();
        float[] mirrored = new float[count * encoder.pixels()];
        for (int line = 0; line < mirrored.length / width; line++) {
            int start = line * width;
            for (int x = 0; x < width; x++) {
                mirrored[start + x] = rows[start + width - 1 - x];
            }
        }
        return mirrored;
    }

    /** The top {@code k} classes of each image of raw 8-bit pixels. */
    public List<Prediction> predict(List<byte[]> images, int k) {
        return rank(probabilities(encode(images)), k);
    }

    /** The top {@code k} classes of each row of class probabilities, named by this model's classes. */
    public List<Prediction> rank(float[][] probabilities, int k) {
        List<Prediction> predictions = new ArrayList<>(probabilities.length);
        for (float[] row : probabilities) {
            predictions.add(Prediction.of(row, k, classNames()));
        }
        return predictions;
    }

    /**
     * Images of raw 8-bit pixels ({@link #encoder()}'s shape, row-major) encoded for this model.
     *
     * @throws IllegalArgumentException for no image, or an image of another size
     */
    public EncodedBatch encode(List<byte[]> images) {
        int size = encoder.pixels();
        float[] rows = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            byte[] image = images.get(i);
            if (image.length != size) {
                throw new IllegalArgumentException("image " + i + " has " + image.length + " pixels, expected " + size);
            }
            encoder.encodeBytes(image, 0, rows, i);
        }
        return new EncodedBatch(rows, images.size());
    }

    /** The top classes and the L2-normalized embedding of each image, in the same order as the images. */
    public record PredictionsAndEmbeddings(List<Prediction> predictions, float[][] embeddings) {}

    /**
     * What {@link #predict} and {@link #embed} return, from one forward pass instead of two (with flip averaging
     * on, a second pass for the mirrors, as {@link #predict} makes).
     */
    public PredictionsAndEmbeddings predictAndEmbed(List<byte[]> images, int k) {
        EncodedBatch batch = encode(images);
        int count = batch.count();
        float[] rows = batch.rows();
        INDArray features = encoder.batch(rows, count);
        Network.OutputAndEmbedding both = network.outputAndEmbedding(features);
        try {
            float[][] probabilities = answered(both.output().toFloatMatrix(), rows, count);
            return new PredictionsAndEmbeddings(rank(probabilities, k), unitRows(both.embedding()));
        } finally {
            Release.all(features, both.output(), both.embedding());
        }
    }

    /**
     * The L2-normalized embedding ({@link Network#embedding}) of each image of a batch made by {@link #encoder()}
     * or {@link #encode}: one row of {@code dimensions} per image. Dot products of two rows are cosine
     * similarities.
     */
    public float[][] embeddings(EncodedBatch batch) {
        INDArray features = encoder.batch(batch.rows(), batch.count());
        INDArray embedding = network.embedding(features);
        try {
            return unitRows(embedding);
        } finally {
            Release.all(features, embedding);
        }
    }

    private static float[][] unitRows(INDArray embedding) {
        INDArray norms = embedding.norm2(1).addi(1e-12);
        INDArray unit = embedding.divColumnVector(norms);
        try {
            return unit.toFloatMatrix();
        } finally {
            Release.all(norms, unit);
        }
    }

    /** The embeddings of images of raw 8-bit pixels, as {@link #embeddings(EncodedBatch)}. */
    public float[][] embed(List<byte[]> images) {
        return embeddings(encode(images));
    }

    /** The embeddings of every image of a set, in order, in batches. */
    public float[][] embeddings(LabelledImages images) {
        float[][] all = new float[images.count()][];
        for (int from = 0; from < images.count(); from += BATCH) {
            int count = Math.min(BATCH, images.count() - from);
            float[] rows = new float[count * encoder.pixels()];
            for (int i = 0; i < count; i++) {
                encoder.encode(images, from + i, rows, i);
            }
            System.arraycopy(embeddings(new EncodedBatch(rows, count)), 0, all, from, count);
        }
        return all;
    }

    /** The probabilities of every image of a labelled set, in order, with its labels. */
    public Predictions predictions(LabelledImages images) {
        int classes = classNames().size();
        float[] probabilities = new float[images.count() * classes];
        for (int from = 0; from < images.count(); from += BATCH) {
            int count = Math.min(BATCH, images.count() - from);
            float[] rows = new float[count * encoder.pixels()];
            for (int i = 0; i < count; i++) {
                encoder.encode(images, from + i, rows, i);
            }
            float[][] batch = probabilities(new EncodedBatch(rows, count));
            for (int i = 0; i < count; i++) {
                System.arraycopy(batch[i], 0, probabilities, (from + i) * classes, classes);
            }
        }
        int[] labels = IntStream.range(0, images.count()).map(images::label).toArray();
        return new Predictions(labels, probabilities, images.classNames());
    }
}
