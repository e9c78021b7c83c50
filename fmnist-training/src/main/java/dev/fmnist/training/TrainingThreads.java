package dev.fmnist.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a training uses the cores: the process's native threads as they are, a fixed {@link Parallelism}, or the one
 * its own first batches train fastest with on this machine ({@link ThreadChoice}).
 *
 * @param fixed the parallelism of {@link Kind#FIXED}, null otherwise
 */
public record TrainingThreads(Kind kind, Parallelism fixed) {

    public enum Kind { INHERIT, FIXED, AUTO }

    private static final Pattern WORKERS = Pattern.compile("(\\d{1,4})x(\\d{1,4})");

    public TrainingThreads {
        if ((kind == Kind.FIXED) != (fixed != null)) {
            throw new IllegalArgumentException("a fixed parallelism goes with FIXED and only with it");
        }
    }

    public static TrainingThreads inherit() {
        return new TrainingThreads(Kind.INHERIT, null);
    }

    public static TrainingThreads auto() {
        return new TrainingThreads(Kind.AUTO, null);
    }

    /** The network itself with {@code count} native threads. */
    public static TrainingThreads fixed(int count) {
        return new TrainingThreads(Kind.FIXED, Parallelism.threads(count));
    }

    public static TrainingThreads fixed(Parallelism parallelism) {
        return new TrainingThreads(Kind.FIXED, parallelism);
    }

    /** {@code auto}, a number of threads, or {@code WxT}: W data-parallel workers of T threads each. */
    public static TrainingThreads parse(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.equals("auto")) {
            return auto();
        }
        Matcher workers = WORKERS.matcher(text);
        try {
            if (workers.matches()) {
                return fixed(new Parallelism(Integer.parseInt(workers.group(1)), Integer.parseInt(workers.group(2))));
            }
            return fixed(Parallelism.threads(Integer.parseInt(text)));
        } catch (IllegalArgumentException e) {
            // a number out of range, or not a number: said below
        }
        throw new IllegalArgumentException("'" + value + "' is neither auto, a number of threads (1 or more), nor "
                + "WxT (W data-parallel workers of T threads, e.g. 2x1)");
    }

    /** The text {@link #parse} reads back: {@code auto}, {@code 2}, {@code 2x1}. */
    public String text() {
        return switch (kind) {
            case AUTO -> "auto";
            case FIXED -> fixed.text();
            case INHERIT -> throw new IllegalStateException("the threads the launcher was given have no setting text");
        };
    }

    /** {@code auto} turned into {@code inherit}, a fixed setting kept: what an OMP_NUM_THREADS set by hand means. */
    public TrainingThreads pinned() {
        return kind == Kind.AUTO ? inherit() : this;
    }

    /** The fixed parallelism with no more threads than {@code available}: each worker's share of them at most. */
    public Parallelism within(int available) {
        int workers = Math.min(fixed.workers(), available);
        return new Parallelism(workers, Math.max(1, Math.min(fixed.threads(), available / workers)));
    }

    /**
     * What {@code auto} times with {@code available} threads: the network with 1, half and all of them (each once,
     * ascending), then, with 2 or more, two workers with half the threads each, each fitting half of every batch
     * ({@link DataParallel}). All the threads on the network itself is where a training starts and falls back to.
     */
    public static List<Parallelism> candidates(int available) {
        List<Parallelism> candidates = new ArrayList<>();
        new TreeSet<>(List.of(1, Math.max(1, available / 2), Math.max(1, available)))
                .forEach(count -> candidates.add(Parallelism.threads(count)));
        if (available >= 2) {
            candidates.add(new Parallelism(2, available / 2));
        }
        return List.copyOf(candidates);
    }
}
