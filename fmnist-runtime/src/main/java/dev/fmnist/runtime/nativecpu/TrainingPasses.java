package dev.fmnist.runtime.nativecpu;

import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;

/**
 * This package's training-only speed-ups, installed on one network together: the first convolution's backward pass
 * without an input gradient ({@link FirstLayerGradients}), batch normalization's training passes as plain loops
 * ({@link LeanBatchNorm}) and ReLU's faster backward pass ({@link ReluBackprop}). The ReLUs are swapped in for each
 * {@link #step} only, so that a checkpoint written between steps names DL4J's classes; {@link #close} puts DL4J's and
 * oneDNN's helpers back. A new speed-up joins here, and every trainer has it.
 */
public final class TrainingPasses implements AutoCloseable {

    private final ReluBackprop relu;
    private final Runnable restoreFirstLayer;
    private final Runnable restoreBatchNorm;

    private TrainingPasses(ReluBackprop relu, Runnable restoreFirstLayer, Runnable restoreBatchNorm) {
        this.relu = relu;
        this.restoreFirstLayer = restoreFirstLayer;
        this.restoreBatchNorm = restoreBatchNorm;
    }

    /**
     * The speed-ups on {@code model} (a layer stack or a graph); to be closed on the thread that called {@link #step}
     * (it frees that thread's batch-normalization scratch; a worker thread's goes with the thread).
     */
    public static TrainingPasses install(Model model) {
        LeanDeallocatorService.install();
        ReluBackprop relu = ReluBackprop.of(model);
        Runnable restoreFirstLayer = FirstLayerGradients.skipInputGradient(model);
        try {
            return new TrainingPasses(relu, restoreFirstLayer, LeanBatchNorm.install(model));
        } catch (RuntimeException | Error e) {
            try {
                restoreFirstLayer.run();
            } catch (RuntimeException | Error restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
    }

    /**
     * The speed-ups on a copy of a network that only trains and is never saved: the ReLUs' stand-ins stay in place,
     * and nothing is put back (the copy is dropped with its helpers).
     */
    public static void installForGood(Model copy) {
        install(copy).relu.on();
    }

    /** Runs one training step with the ReLUs' stand-ins in place; DL4J's are back when it returns or throws. */
    public <T> T step(Supplier<T> step) {
        try {
            relu.on();  // inside: off() puts every original back, after a partial on() too
            return step.get();
        } finally {
            relu.off();
        }
    }

    /** DL4J's ReLUs and oneDNN's helpers back, and the calling thread's batch-normalization scratch freed. */
    @Override
    public void close() {
        try {
            relu.off();
        } finally {
            try {
                restoreFirstLayer.run();
            } finally {
                restoreBatchNorm.run();
            }
        }
    }
}
