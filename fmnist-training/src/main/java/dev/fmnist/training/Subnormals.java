package dev.fmnist.training;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Keeps the optimizer's state out of the subnormal range, where x86 CPUs compute through microcode assists (tens of
 * times slower per element; Intel's Sapphire Rapids lost 1.7x of the cnn's whole training to it by the fourth epoch).
 * Adam's and momentum's first moments decay by 0.9 a step where a gradient stays zero (a dead ReLU unit), so after
 * about 800 steps they fall below 1.2e-38. Java cannot set the CPU's flush-to-zero mode for libnd4j's threads;
 * setting values this small to zero ourselves changes no result (an update of 1e-30 moves no float parameter).
 */
final class Subnormals {

    /** Far above the subnormal range, and far below any value an update or a moment means something at. */
    static final double TINY = 1e-30;

    /**
     * How often the state is cleaned: a moment decaying by 0.9 a step from just above {@link #TINY} is still above
     * 1e-33 after this many steps, so it never reaches the subnormals (a 0.5 decay would reach 1e-35, still normal).
     */
    static final int EVERY_STEPS = 16;

    private Subnormals() {}

    /** Sets every element of {@code state} smaller than {@link #TINY} in magnitude to zero, in place. */
    static void flush(INDArray state) {
        if (state != null) {
            BooleanIndexing.replaceWhere(state, 0.0, Conditions.absLessThan(TINY));
        }
    }
}
