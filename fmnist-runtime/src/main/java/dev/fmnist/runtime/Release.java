package dev.fmnist.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frees ND4J arrays' off-heap memory at once. ND4J otherwise frees it when the Java garbage collector
 * collects the array objects, which with a small, quiet heap can be long after they are spent.
 */
public final class Release {

    private Release() {}

    /** Closes each array that owns its buffer; views and shared arrays are left to the collector. */
    public static void all(INDArray... arrays) {
        for (INDArray array : arrays) {
            if (array != null && !array.wasClosed() && array.closeable()) {
                array.close();
            }
        }
    }
}
