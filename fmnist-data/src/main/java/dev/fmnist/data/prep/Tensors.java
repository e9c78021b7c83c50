package dev.fmnist.data.prep;

import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Turns labelled images into ND4J features (in a model's input layout) and one-hot labels. */
public final class Tensors {

    private Tensors() {}

    /** Features of the images at {@code indices[from..from+count)}, normalized, shaped for {@code layout}. */
    public static INDArray features(LabelledImages images, int[] indices, int from, int count, InputLayout layout,
            float[] lookupTable) {
        int size = images.shape().pixels();
        float[] values = new float[count * size];
        for (int i = 0; i < count; i++) {
            int image = indices[from + i];
            int offset = i * size;
            for (int p = 0; p < size; p++) {
                values[offset + p] = lookupTable[images.pixel(image, p)];
            }
        }
        return Nd4j.create(values, layout.batchShape(count, images.shape()), 'c');
    }

    /** One-hot labels [count, classes] of the images at {@code indices[from..from+count)}. */
    public static INDArray oneHotLabels(LabelledImages images, int[] indices, int from, int count) {
        int classes = images.classNames().size();
        float[] values = new float[count * classes];
        for (int i = 0; i < count; i++) {
            values[i * classes + images.label(indices[from + i])] = 1f;
        }
        return Nd4j.create(values, new long[] {count, classes}, 'c');
    }

    /** Every image of the set, in order, as features. */
    public static INDArray features(LabelledImages images, InputLayout layout, Normalization normalization) {
        return features(images, identity(images.count()), 0, images.count(), layout, normalization.lookupTable());
    }

    /** Every label of the set, in order, one-hot. */
    public static INDArray oneHotLabels(LabelledImages images) {
        return oneHotLabels(images, identity(images.count()), 0, images.count());
    }

    static int[] identity(int count) {
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
