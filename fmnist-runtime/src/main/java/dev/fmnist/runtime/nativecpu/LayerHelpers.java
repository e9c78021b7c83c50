package dev.fmnist.runtime.nativecpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Switches DL4J's native layer helpers for this process and says what is in force. DL4J reads its switch
 * each time a layer is created, so {@link #enable} applies to every network initialized or loaded after
 * it, built-in or from a plugin JAR, with no change to the plugin.
 */
public final class LayerHelpers {

    /** DL4J 1.0.0-M2.1's {@code DL4JSystemProperties.DISABLE_HELPER_PROPERTY}; its default is "true" (off). */
    static final String DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private static volatile Boolean oneDnnInBinary;

    private LayerHelpers() {}

    /** Turns the helpers on or off for networks created from now on. */
    public static void enable(boolean enabled) {
        System.setProperty(DISABLE_PROPERTY, Boolean.toString(!enabled));
    }

    /** Whether networks created now get helpers (DL4J's own default is off). */
    public static boolean enabled() {
        return !Boolean.parseBoolean(System.getProperty(DISABLE_PROPERTY, "true"));
    }

    /**
     * Whether the loaded libnd4j binary has oneDNN built in: the {@code linux-x86_64-onednn} classifier
     * does, the plain one does not. Read once: DL4J asks on every batch-normalization pass.
     */
    public static boolean oneDnnInBinary() {
        Boolean known = oneDnnInBinary;
        if (known == null) {
            known = isCpuBackend() && NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
            oneDnnInBinary = known;
        }
        return known;
    }

    /** The helper of each layer that has one, as "layer name: helper class", in layer order. */
    public static List<String> activeIn(Model model) {
        List<String> active = new ArrayList<>();
        for (Layer layer : layersOf(model)) {
            LayerHelper helper = layer.getHelper();
            if (helper != null) {
                active.add(layer.conf().getLayer().getLayerName() + ": " + helper.getClass().getSimpleName());
            }
        }
        return List.copyOf(active);
    }

    /** What {@code fmnist doctor} shows: the binary, oneDNN, the switch, and the helpers a probe network gets. */
    public static Status status() {
        return new Status(nativeBinary(), oneDnnInBinary(), enabled(), activeIn(probeNetwork()));
    }

    /**
     * @param nativeBinary the libnd4j file JavaCPP loaded (its folder names the classifier)
     * @param activeHelpers the helpers a small convolution, batch normalization and pooling network gets now
     */
    public record Status(String nativeBinary, boolean oneDnn, boolean enabled, List<String> activeHelpers) {
        public Status {
            activeHelpers = List.copyOf(activeHelpers);
        }
    }

    static Layer[] layersOf(Model model) {
        return model instanceof MultiLayerNetwork network ? network.getLayers()
                : model instanceof ComputationGraph graph ? graph.getLayers() : new Layer[0];
    }

    private static boolean isCpuBackend() {
        return "CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
    }

    private static String nativeBinary() {
        Nd4j.getBackend();  // loads the natives if nothing has yet
        Map<String, String> loaded = Loader.getLoadedLibraries();
        String cpu = loaded.get("nd4jcpu");
        return cpu != null ? cpu : loaded.getOrDefault("nd4jcuda", "(no libnd4j loaded)");
    }

    private static MultiLayerNetwork probeNetwork() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(2).build())
                .layer(new BatchNormalization.Builder().name("batch-norm").build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool").kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new OutputLayer.Builder().name("output").nOut(2).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build());
        network.init();
        return network;
    }
}
