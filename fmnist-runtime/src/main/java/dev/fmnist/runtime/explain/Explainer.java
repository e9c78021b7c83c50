package dev.fmnist.runtime.explain;

import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import java.util.Locale;
import java.util.Optional;

/**
 * A way of explaining an answer: a map of how much each pixel mattered to the probability of one class. Runs on the
 * thread that owns the predictor (a network is not thread-safe).
 */
public enum Explainer {

    /**
     * Occlusion sensitivity (Zeiler and Fergus 2014): a patch slid over the image, each pixel's value the mean drop in
     * the class's probability when a patch covering it is hidden. Any model; a forward pass of about a hundred images
     * per image explained.
     */
    OCCLUSION {
        @Override
        public float[][] maps(Predictor predictor, EncodedBatch images, int[] classes) {
            return Occlusion.maps(predictor, images, classes);
        }
    },

    /**
     * Gradient saliency (Simonyan et al. 2014) as gradient times input (Shrikumar et al. 2016) measured from the
     * background: each pixel's first-order estimate of how much the class's log-probability falls if it were
     * background, from one backward pass. Layer stacks without batch normalization ({@link #unsupported}).
     */
    SALIENCY {
        @Override
        public float[][] maps(Predictor predictor, EncodedBatch images, int[] classes) {
            return Saliency.maps(predictor, images, classes);
        }

        @Override
        public Optional<String> unsupported(Predictor predictor) {
            return Saliency.unsupported(predictor);
        }
    };

    /**
     * One map per image, {@code pixels} values row-major, for the class given for it.
     *
     * @param classes the class to explain for each image (usually the one answered)
     */
    public abstract float[][] maps(Predictor predictor, EncodedBatch images, int[] classes);

    /** Why this method cannot explain the model's answers, in a sentence; empty when it can. */
    public Optional<String> unsupported(Predictor predictor) {
        return Optional.empty();
    }

    /** Its name in requests and files: {@code occlusion}, {@code saliency}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is no method, saying which there are */
    public static Explainer of(String name) {
        for (Explainer explainer : values()) {
            if (explainer.id().equals(name)) {
                return explainer;
            }
        }
        throw new IllegalArgumentException("no explanation method '" + name + "'; there are occlusion and saliency");
    }
}
