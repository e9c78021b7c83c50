package dev.fmnist.runtime.nativecpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The processor's model and the vector extensions ND4J's native builds care about, from /proc/cpuinfo: what
 * {@code fmnist doctor} shows, and what a run records beside its speed ({@code summary.json}), since the same
 * network trains 2x faster on one x86-64 CPU than another.
 *
 * @param family the CPU family and model numbers ("family 25 model 17"), which tell generations of one name apart;
 *               empty when unknown
 */
public record CpuInfo(String model, String family, Set<String> flags) {

    private static final List<String> INTERESTING = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw");

    public static CpuInfo read() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = value(lines, "model name");
            String family = value(lines, "cpu family");
            String number = value(lines, "model\t");
            String flagLine = value(lines, "flags");
            // no flags line (ARM prints "Features"): unknown, not "none of them"
            Set<String> flags = flagLine.isEmpty() ? Set.of()
                    : Arrays.stream(flagLine.split("\\s+")).collect(Collectors.toSet());
            return new CpuInfo(model, family.isEmpty() ? "" : "family " + family + " model " + number, flags);
        } catch (IOException | RuntimeException e) {
            return new CpuInfo("unknown (no /proc/cpuinfo)", "", Set.of());
        }
    }

    /** "avx2 yes, avx512f no, ..." for the extensions that decide which native build can run fast. */
    public String summary() {
        if (flags.isEmpty()) {
            return "unknown";
        }
        return INTERESTING.stream().map(f -> f + (flags.contains(f) ? " yes" : " no")).collect(Collectors.joining(", "));
    }

    /**
     * One line naming the CPU as figures need it: "AMD EPYC, family 25 model 17, AVX-512, 2 processors" (the widest
     * vector extension, and the processors this JVM may use).
     */
    public String describe() {
        String vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2"
                : flags.isEmpty() ? "extensions unknown" : "no AVX2";
        String name = model.isBlank() ? "unknown CPU" : model;
        return name + (family.isEmpty() ? "" : ", " + family) + ", " + vectors + ", "
                + Runtime.getRuntime().availableProcessors() + " processors";
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.matches("^" + key + ".*:.*")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
    }
}
