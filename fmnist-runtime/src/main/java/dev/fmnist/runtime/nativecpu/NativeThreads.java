package dev.fmnist.runtime.nativecpu;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The threads native code computes with, changed while the process runs. Three pools count: OpenMP's (oneDNN's
 * convolutions; its count is per calling thread), libnd4j's own (its other ops; a process-wide count of at most
 * the pool's size, {@code SD_MAX_THREADS} at start-up, which the launcher sets to the processors) and OpenBLAS's
 * (dense layers; process-wide). The launcher's {@code OMP_NUM_THREADS} is where every thread starts.
 */
public final class NativeThreads {

    private NativeThreads() {}

    /** libnd4j's calls; the backend loads first, which NativeOpsHolder alone does not do. */
    private static NativeOps ops() {
        Nd4j.getBackend();
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }

    /**
     * The most threads native code can use in this process: the size of libnd4j's pool, and no more than the JVM
     * may run at once (a container's CPU quota or an affinity mask, which the launcher's count does not see).
     */
    public static int available() {
        return Math.max(1, Math.min(Nd4j.getEnvironment().maxThreads(), Runtime.getRuntime().availableProcessors()));
    }

    /** The OpenMP threads the calling thread's native calls use now. */
    public static int current() {
        return ops().ompGetMaxThreads();
    }

    /** Native calls from the calling thread, and libnd4j's and OpenBLAS's ops from any, use {@code threads}. */
    public static void use(int threads) {
        int count = Math.max(1, Math.min(threads, available()));
        ops().setOmpNumThreads(count);
        Nd4j.getEnvironment().setMaxMasterThreads(count);
        Nd4j.factory().blas().setMaxThreads(count);
    }
}
