package dev.fmnist.runtime.nativecpu;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A faster ReLU backward pass for the duration of a training step. DL4J 1.0.0-M2.1's ReLU derivative
 * ({@code relu_bp}) calls a {@code std::function} for every element, several times the cost of the two vectorized
 * passes it amounts to (a step function of the pre-activation, times the incoming gradient). While {@link #on} is in
 * force, each plain ReLU of the network (no cap, threshold or negative slope) is {@link StepRelu}, the same function
 * with that backward pass; {@link #off} puts DL4J's back, so that a saved network names DL4J's class.
 */
final class ReluBackprop {

    /** One layer's activation, DL4J's and its stand-in. */
    private record Swap(Object layer, IActivation original, IActivation fast) {}

    private final List<Swap> swaps;

    private ReluBackprop(List<Swap> swaps) {
        this.swaps = List.copyOf(swaps);
    }

    /** The plain ReLUs of {@code model}'s layers (a layer stack or a graph), found once. */
    public static ReluBackprop of(Model model) {
        List<Swap> swaps = new ArrayList<>();
        for (Layer layer : LayerHelpers.layersOf(model)) {
            Object conf = layer.conf().getLayer();
            IActivation activation = conf instanceof BaseLayer base ? base.getActivationFn()
                    : conf instanceof ActivationLayer plain ? plain.getActivationFn() : null;
            if (activation != null && activation.getClass() == ActivationReLU.class && plain((ActivationReLU) activation)) {
                swaps.add(new Swap(conf, activation, new StepRelu()));
            }
        }
        return new ReluBackprop(swaps);
    }

    /** The stand-ins in place, for a training step. */
    public void on() {
        swaps.forEach(swap -> set(swap.layer(), swap.fast()));
    }

    /** DL4J's activations back. */
    public void off() {
        swaps.forEach(swap -> set(swap.layer(), swap.original()));
    }

    /** How many activations it swaps. */
    public int count() {
        return swaps.size();
    }

    private static void set(Object layer, IActivation activation) {
        if (layer instanceof BaseLayer base) {
            base.setActivationFn(activation);
        } else {
            ((ActivationLayer) layer).setActivationFn(activation);
        }
    }

    /** DL4J's own test for its plain case: no cap, no threshold, no negative slope. */
    private static boolean plain(ActivationReLU relu) {
        return relu.equals(new ActivationReLU());
    }

    /** ReLU whose backward pass is step(z) * epsilon, in place in z as DL4J's derivatives are. */
    static final class StepRelu extends ActivationReLU {

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            assertShape(in, epsilon);
            return new Pair<>(Transforms.step(in, false).muli(epsilon), null);
        }
    }
}
