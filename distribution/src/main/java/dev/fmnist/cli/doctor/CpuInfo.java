package dev.fmnist.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The processor's model and the vector extensions ND4J's native builds care about, from /proc/cpuinfo. */
public record CpuInfo(String model, Set<String> flags) {

    private static final List<String> INTERESTING = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw");

    public static CpuInfo read() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = value(lines, "model name");
            Set<String> flags = Arrays.stream(value(lines, "flags").split("\\s+")).collect(Collectors.toSet());
            return new CpuInfo(model, flags);
        } catch (IOException | RuntimeException e) {
            return new CpuInfo("unknown (no /proc/cpuinfo)", Set.of());
        }
    }

    /** "avx2 yes, avx512f no, ..." for the extensions that decide which native build can run fast. */
    public String summary() {
        if (flags.isEmpty()) {
            return "unknown";
        }
        return INTERESTING.stream().map(f -> f + (flags.contains(f) ? " yes" : " no")).collect(Collectors.joining(", "));
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
    }
}
