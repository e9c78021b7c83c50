package dev.fmnist.eval.predict;

import dev.fmnist.api.ClassProbability;
import dev.fmnist.api.Prediction;
import dev.fmnist.data.image.ImagePreprocessor;
import dev.fmnist.eval.Evaluator;
import dev.fmnist.training.Release;
import dev.fmnist.training.run.ModelFile;
import dev.fmnist.training.run.ModelManifest;
import dev.fmnist.training.run.SavedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained model ready to classify images: inputs are prepared exactly as in training, from the model's
 * manifest (normalization, input layout). Not thread-safe, like the DL4J network inside it: callers
 * serialize access (the server feeds it from one worker).
 */
public final class Predictor {

    /** The largest image accepted by default: about a 40-megapixel photo. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final MultiLayerNetwork network;
    private final ModelManifest manifest;
    private final float[] lookupTable;

    public Predictor(MultiLayerNetwork network, ModelManifest manifest) {
        this.network = network;
        this.manifest = manifest;
        this.lookupTable = manifest.normalization().lookupTable();
    }

    /** The best model of a run folder (or a model file). */
    public static Predictor load(Path runDirOrModel) {
        Path file = java.nio.file.Files.isDirectory(runDirOrModel) ? Evaluator.modelOf(runDirOrModel) : runDirOrModel;
        SavedModel saved = ModelFile.load(file, false);
        return new Predictor(saved.network(), saved.manifest());
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public int pixels() {
        return manifest.imageShape().pixels();
    }

    /** Model inputs for raw 0-255 images of {@link #pixels()} bytes each, normalized and shaped for the model. */
    public INDArray features(List<byte[]> images) {
        int size = pixels();
        float[] values = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            byte[] image = images.get(i);
            if (image.length != size) {
                throw new IllegalArgumentException("image " + i + " has " + image.length + " pixels, expected " + size);
            }
            for (int p = 0; p < size; p++) {
                values[i * size + p] = lookupTable[Byte.toUnsignedInt(image[p])];
            }
        }
        return Nd4j.create(values, manifest.inputLayout().batchShape(images.size(), manifest.imageShape()), 'c');
    }

    /** One model-input row from raw 0-255 pixels, normalized as in training. */
    public float[] inputRow(byte[] raw) {
        if (raw.length != pixels()) {
            throw new IllegalArgumentException("an image has " + raw.length + " pixels, expected " + pixels());
        }
        float[] row = new float[raw.length];
        for (int p = 0; p < raw.length; p++) {
            row[p] = lookupTable[Byte.toUnsignedInt(raw[p])];
        }
        return row;
    }

    /** One model-input row from pixels already scaled to [0,1] (pixel / 255), normalized as in training. */
    public float[] inputRowFromUnit(float[] unit, int offset) {
        float[] row = new float[pixels()];
        double mean = manifest.normalization().mean();
        double std = manifest.normalization().std();
        for (int p = 0; p < row.length; p++) {
            row[p] = (float) ((unit[offset + p] - mean) / std);
        }
        return row;
    }

    /** Class probabilities [count, classes] of {@code count} model-input rows laid end to end. */
    public float[][] probabilities(float[] rows, int count) {
        INDArray features = Nd4j.create(rows, manifest.inputLayout().batchShape(count, manifest.imageShape()), 'c');
        try {
            return probabilities(features);
        } finally {
            Release.all(features);
        }
    }

    /** Class probabilities [N, classes] for model inputs already prepared by {@link #features}. */
    public float[][] probabilities(INDArray features) {
        INDArray output = network.output(features, false);
        try {
            return output.toFloatMatrix();
        } finally {
            Release.all(output);
        }
    }

    /** The top {@code k} classes of raw images. */
    public List<Prediction> predict(List<byte[]> images, int k) {
        float[][] probabilities = probabilities(features(images));
        List<Prediction> predictions = new ArrayList<>();
        for (float[] row : probabilities) {
            predictions.add(top(row, k, manifest.classNames()));
        }
        return predictions;
    }

    /** The {@code k} most probable classes of one probability row, most probable first. */
    public static Prediction top(float[] probabilities, int k, List<String> classNames) {
        Integer[] order = new Integer[probabilities.length];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        List<ClassProbability> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            double p = Math.min(1.0, Math.max(0.0, probabilities[order[i]]));
            top.add(new ClassProbability(order[i], classNames.get(order[i]), p));
        }
        return new Prediction(top);
    }

    /** Decodes and prepares an image file's bytes. */
    public static byte[] prepare(byte[] file, String name, long maxPixels) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(maxPixels);
        return preprocessor.toFashionMnist(preprocessor.decode(file, name));
    }
}
