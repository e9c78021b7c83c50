package org.nd4j.nativeblas;

import dev.fmnist.runtime.nativecpu.LayerHelpers;

/**
 * Compatibility class for a defect of DL4J 1.0.0-M2.1, and nothing else: its oneDNN layer helpers ask
 * {@code BaseMKLDNNHelper.mklDnnEnabled()}, which looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment}
 * and calls {@code getInstance().isUseMKLDNN()} by reflection. ND4J M2.1 moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the method {@code isUseONEDNN()}, so the
 * lookup fails, DL4J logs "Cannot find class [org.nd4j.nativeblas.Nd4jCpu$Environment]" and every helper is
 * dropped. This class answers the old name. {@code Nd4jCpuShimTest} fails the day DL4J stops asking for it
 * (then delete this class) or ND4J ships a class of this name.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {}

    /** The one member DL4J reads. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** True when the loaded libnd4j binary has oneDNN built in (the {@code -onednn} classifiers). */
        public boolean isUseMKLDNN() {
            return LayerHelpers.oneDnnInBinary();
        }
    }
}
