package dev.fmnist.server;

import dev.fmnist.runtime.nativecpu.ResidentMemoryWatch;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Optional;
import org.bytedeco.javacpp.Pointer;

/**
 * The process's memory as an operator alerts on it. The JVM's meters see the heap; a server's tensors live outside
 * it, in native memory libnd4j allocates, and the limit that matters is on the resident size: JavaCPP's check at
 * every allocation, or the server's watch when the launcher moved the check there. (No series of ND4J's own bytes:
 * its CPU buffers are allocated natively, counted neither by JavaCPP's {@code Pointer.totalBytes()}, a few hundred
 * bytes in a serving process, nor by ND4J's {@code AllocationsTracker}, which sees only workspaces and constants.)
 */
final class ResidentMemoryMeters {

    private ResidentMemoryMeters() {}

    static void bind(MeterRegistry registry, Optional<ResidentMemoryWatch> watch) {
        // the name Prometheus's own process collector gives it, so existing dashboards find it
        Gauge.builder("process.resident.memory", Pointer::physicalBytes).baseUnit(BaseUnits.BYTES)
                .description("Resident set size of the process").register(registry);
        long limit = watch.map(ResidentMemoryWatch::limit).orElseGet(Pointer::maxPhysicalBytes);
        if (limit > 0) {
            Gauge.builder("fmnist.resident.memory.limit", () -> limit).baseUnit(BaseUnits.BYTES)
                    .description("The resident size the process is held under (JavaCPP's maxphysicalbytes or the "
                            + "server's watch)").register(registry);
        }
        watch.ifPresent(w -> FunctionCounter.builder("fmnist.resident.memory.collections", w,
                        ResidentMemoryWatch::collections)
                .description("Garbage collections the watch asked for, the resident size above its limit")
                .register(registry));
    }
}
