package dev.fmnist.data.batch;

import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.image.encode.Normalization;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** One-hot labels and whole-set features: the tensors a training or evaluation batch holds besides its inputs. */
public final class Tensors {

    private Tensors() {}

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
        return new InputEncoder(normalization, layout, images.shape())
                .features(images, identity(images.count()), 0, images.count());
    }

    /** Every label of the set, in order, one-hot. */
    public static INDArray oneHotLabels(LabelledImages images) {
        return oneHotLabels(images, identity(images.count()), 0, images.count());
    }

    /** 0, 1, ..., count - 1. */
    private static int[] identity(int count) {
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
