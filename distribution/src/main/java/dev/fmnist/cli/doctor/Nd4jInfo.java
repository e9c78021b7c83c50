package dev.fmnist.cli.doctor;

import dev.fmnist.runtime.nativecpu.LayerHelpers;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Which ND4J backend loaded, from which native binary, and whether it fits this CPU. */
final class Nd4jInfo {

    private Nd4jInfo() {}

    static List<String> describe() {
        List<String> lines = new ArrayList<>();
        try {
            lines.add("backend       " + Nd4j.getBackend().getClass().getName());
            Properties environment = Nd4j.getExecutioner().getEnvironmentInformation();
            lines.add("BLAS          " + environment.getOrDefault("blas.vendor", "unknown") + ", "
                    + environment.getOrDefault("omp.threads", "?") + " threads, "
                    + environment.getOrDefault("cores", "?") + " cores");
            NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
            lines.add("native binary " + level(ops.binaryLevel()) + " build; this CPU could use "
                    + level(ops.optimalLevel()) + (ops.isMinimalRequirementsMet() ? "" : "; MINIMAL REQUIREMENTS NOT MET"));
            lines.add("data type     " + Nd4j.dataType());
            LayerHelpers.Status helpers = LayerHelpers.status();
            lines.add("libnd4j       " + helpers.nativeBinary());
            lines.add("oneDNN        " + (helpers.oneDnn() ? "built into this binary"
                    : "not in this binary (the -onednn classifier has it: build with -Djavacpp.platform.extension=-onednn)"));
            lines.add("layer helpers " + (!helpers.enabled() ? "off (native-helpers=false): DL4J's built-in Java path"
                    : helpers.activeHelpers().isEmpty() ? "allowed, but no layer gets one (no oneDNN in the binary)"
                    : "on: " + helpers.activeHelpers().stream().map(h -> h.substring(h.indexOf(": ") + 2))
                            .collect(Collectors.joining(", "))));
        } catch (Throwable e) {
            // A missing or incompatible native library is exactly what doctor is for: report, don't crash.
            lines.add("backend       FAILED to load: " + e);
        }
        return lines;
    }

    /** libnd4j's levels: 1 generic x86-64, 2 AVX2, 3 AVX-512 (0: built without CPU feature detection). */
    private static String level(int level) {
        return switch (level) {
            case 1 -> "generic x86-64";
            case 2 -> "AVX2";
            case 3 -> "AVX-512";
            default -> "level " + level;
        };
    }
}
