package dev.fmnist.training;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * How many native threads a training computes with: the process's as they are, a fixed count, or the count its own
 * first batches train fastest with on this machine ({@link ThreadChoice}).
 */
public record TrainingThreads(Kind kind, int count) {

    public enum Kind { INHERIT, FIXED, AUTO }

    public TrainingThreads {
        if (kind == Kind.FIXED && count < 1) {
            throw new IllegalArgumentException("a fixed thread count is at least 1, got " + count);
        }
    }

    public static TrainingThreads inherit() {
        return new TrainingThreads(Kind.INHERIT, 0);
    }

    public static TrainingThreads auto() {
        return new TrainingThreads(Kind.AUTO, 0);
    }

    public static TrainingThreads fixed(int count) {
        return new TrainingThreads(Kind.FIXED, count);
    }

    /** {@code auto} or a positive number. */
    public static TrainingThreads parse(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.equals("auto")) {
            return auto();
        }
        try {
            int count = Integer.parseInt(text);
            if (count >= 1) {
                return fixed(count);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + value + "' is neither auto nor a number of threads (1 or more)");
    }

    /** The counts {@code auto} times with {@code available} threads: 1, half and all of them, each once, ascending. */
    public static List<Integer> candidates(int available) {
        return List.copyOf(new TreeSet<>(List.of(1, Math.max(1, available / 2), Math.max(1, available))));
    }
}
