package dev.fmnist.runtime.nativecpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the layers whose oneDNN helper misbehaves in DL4J 1.0.0-M2.1 back on DL4J's built-in path, so a
 * network is never trained on wrong gradients. Each rule is a defect {@code HelperParityTest} found:
 * <ul>
 *   <li>convolution in NHWC layout: the helper's backprop returns wrong weight and input gradients (garbage
 *       of order 1e15 for some shapes), while its forward pass is right;</li>
 *   <li>dilated convolution: the native conv2d op fails; DL4J would fall back by itself, but only after
 *       logging an error on the first batch.</li>
 * </ul>
 * A helper that throws for any other configuration is handled by DL4J's own fallback, which every layer
 * keeps ({@code cudnnAllowFallback}, on by default).
 */
public final class HelperFallback {

    private static final Logger log = LoggerFactory.getLogger(HelperFallback.class);

    private HelperFallback() {}

    /**
     * Drops the helper of every layer a rule names; call it on each network right after it is initialized
     * or loaded. Returns "layer: reason" for each layer put back on the built-in path.
     */
    public static List<String> apply(Model model) {
        List<String> dropped = new ArrayList<>();
        for (Layer wrapped : LayerHelpers.layersOf(model)) {
            Layer layer = LayerHelpers.unwrapped(wrapped);
            reason(layer).ifPresent(reason -> {
                drop(layer);
                String name = layer.conf().getLayer().getLayerName();
                log.debug("layer {} runs DL4J's built-in path: {}", name, reason);
                dropped.add(name + ": " + reason);
            });
        }
        return List.copyOf(dropped);
    }

    private static Optional<String> reason(Layer layer) {
        if (!(layer.getHelper() instanceof MKLDNNConvHelper)
                || !(layer.conf().getLayer() instanceof ConvolutionLayer conv)) {
            return Optional.empty();
        }
        if (conv.getCnn2dDataFormat() == CNN2DFormat.NHWC) {
            return Optional.of("the oneDNN convolution helper computes wrong gradients in NHWC layout");
        }
        if (Arrays.stream(conv.getDilation()).anyMatch(d -> d != 1)) {
            return Optional.of("the oneDNN convolution helper fails on dilated convolutions");
        }
        return Optional.empty();
    }

    private static void drop(Layer layer) {
        LayerHelpers.setHelper(layer, null);
    }
}
