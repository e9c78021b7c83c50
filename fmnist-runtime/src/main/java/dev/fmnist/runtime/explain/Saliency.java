package dev.fmnist.runtime.explain;

import dev.fmnist.runtime.Release;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient saliency through DL4J's backpropagation ({@code MultiLayerNetwork.calculateGradients}), as gradient times
 * input measured from the background: with {@code g} the gradient of the loss {@code -log p(class)} with respect to
 * the input {@code x} and {@code b} the background's encoding, each pixel's {@code g * (b - x)} (summed over channels)
 * is the first-order estimate of how much {@code log p(class)} falls if that pixel were background: the question
 * occlusion asks, from one backward pass. (The bare gradient is as large on the empty background, where an item could
 * be, as on the item, so it shows little of what the model looked at.) DL4J computes input
 * gradients in training mode only, so a copy of the network with its dropout taken off is differentiated; a network
 * with batch normalization (whose training-mode backward pass uses the batch's statistics, not the running ones the
 * answers use) or a graph (DL4J 1.0.0-M2.1 has no input gradients for {@code ComputationGraph}) cannot be explained
 * this way, and occlusion can.
 */
final class Saliency {

    private Saliency() {}

    /** Why the network cannot be explained by its gradients; empty when it can. */
    static Optional<String> unsupported(Predictor predictor) {
        if (!(predictor.network() instanceof Network.Layers layers)) {
            return Optional.of("saliency needs a layer stack, and " + predictor.manifest().modelId() + " is a graph "
                    + "(DL4J gives no input gradients of a graph); use occlusion");
        }
        for (var layer : layers.network().getLayerWiseConfigurations().getConfs()) {
            if (layer.getLayer() instanceof BatchNormalization) {
                return Optional.of("saliency needs a network without batch normalization (DL4J differentiates it "
                        + "with the batch's statistics, not the ones its answers use), and "
                        + predictor.manifest().modelId() + " has it; use occlusion");
            }
        }
        return Optional.empty();
    }

    static float[][] maps(Predictor predictor, EncodedBatch images, int[] classes) {
        unsupported(predictor).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        MultiLayerNetwork copy = ((Network.Layers) predictor.network()).network().clone();
        for (var layer : copy.getLayers()) {
            layer.conf().getLayer().setIDropout(null);
            if (layer.conf().getLayer() instanceof BaseLayer base) {
                base.setWeightNoise(null);
            }
        }
        int classCount = predictor.classNames().size();
        INDArray features = predictor.encoder().batch(images.rows(), images.count());
        INDArray labels = Nd4j.zeros(features.dataType(), images.count(), classCount);
        for (int i = 0; i < images.count(); i++) {
            labels.putScalar(i, classes[i], 1);
        }
        INDArray gradient = copy.calculateGradients(features, labels, null, null).getSecond();
        try {
            float[][] rows = gradient.reshape(images.count(), gradient.length() / images.count()).toFloatMatrix();
            float[] background = Occlusion.background(predictor);
            int size = background.length;
            int plane = predictor.encoder().shape().width() * predictor.encoder().shape().height();
            float[][] maps = new float[images.count()][plane];
            for (int i = 0; i < images.count(); i++) {
                for (int v = 0; v < size; v++) {
                    maps[i][v % plane] += rows[i][v] * (background[v] - images.rows()[i * size + v]);
                }
            }
            return maps;
        } finally {
            Release.all(features, labels, gradient);
        }
    }
}
