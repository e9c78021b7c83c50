package dev.fmnist.runtime.nativecpu;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
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
            // a frozen layer (fine-tuning) passes getHelper() through to the layer it wraps, which holds the helper
            Layer layer = wrapped;
            while (layer instanceof BaseWrapperLayer wrapper) {
                layer = wrapper.getUnderlying();
            }
            Layer checked = layer;
            reason(checked).ifPresent(reason -> {
                drop(checked);
                String name = checked.conf().getLayer().getLayerName();
                log.debug("layer {} runs DL4J's built-in path: {}", name, reason);
                dropped.add(name + ": " + reason);
            });
        }
        return List.copyOf(dropped);
    }

    /**
     * Puts every layer of {@code model} on DL4J's built-in path: for a network run only as a reference (the Keras
     * importer's channels-last one, whose batch normalization of flattened values the oneDNN helper rejects, logging
     * an error before DL4J falls back).
     */
    public static void dropAll(Model model) {
        for (Layer wrapped : LayerHelpers.layersOf(model)) {
            Layer layer = wrapped;
            while (layer instanceof BaseWrapperLayer wrapper) {
                layer = wrapper.getUnderlying();
            }
            if (layer.getHelper() != null) {
                drop(layer);
            }
        }
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
        setHelper(layer, null);
    }

    /** DL4J has no setter: the helper lives in a protected field {@code helper} of the layer class. */
    static void setHelper(Layer layer, LayerHelper helper) {
        for (Class<?> type = layer.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField("helper");
                field.setAccessible(true);
                field.set(layer, helper);
                return;
            } catch (NoSuchFieldException e) {
                // declared higher up
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot set the helper of " + layer.getClass().getName(), e);
            }
        }
        throw new IllegalStateException(layer.getClass().getName() + " has no 'helper' field to set");
    }
}
