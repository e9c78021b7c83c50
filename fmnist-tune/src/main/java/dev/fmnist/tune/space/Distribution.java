package dev.fmnist.tune.space;

import java.util.List;
import java.util.Random;

/** What one hyperparameter may take: a range of floats or integers (uniform or log-uniform), or choices. */
public sealed interface Distribution {

    /** A value drawn from the whole distribution: the random sampler, and TPE before it has history. */
    Object sample(Random random);

    /** Floats in [low, high]; {@code log}: uniform in log space, for learning rates and weight decay. */
    record FloatRange(double low, double high, boolean log) implements Distribution {
        public FloatRange {
            check(low, high, log);
        }

        @Override
        public Object sample(Random random) {
            return fromInternal(toInternal(low) + random.nextDouble() * (toInternal(high) - toInternal(low)));
        }

        public double toInternal(double value) {
            return log ? Math.log(value) : value;
        }

        public double fromInternal(double value) {
            return Math.min(high, Math.max(low, log ? Math.exp(value) : value));
        }
    }

    /** Whole numbers in [low, high]; {@code log}: log-uniform, for widths and batch sizes. */
    record IntRange(long low, long high, boolean log) implements Distribution {
        public IntRange {
            check(low, high, log);
        }

        @Override
        public Object sample(Random random) {
            if (!log) {
                return low + (long) Math.floor(random.nextDouble() * (high - low + 1));
            }
            return fromInternal(toInternal(low - 0.5) + random.nextDouble()
                    * (toInternal(high + 0.5) - toInternal(low - 0.5)));
        }

        /** Integers are sampled as floats on [low - 0.5, high + 0.5] and rounded, so each has its share. */
        public double toInternal(double value) {
            return log ? Math.log(value) : value;
        }

        public long fromInternal(double value) {
            return Math.min(high, Math.max(low, Math.round(log ? Math.exp(value) : value)));
        }
    }

    /** One of a list of values, each a string as the configuration writes it. */
    record Categorical(List<String> choices) implements Distribution {
        public Categorical {
            choices = List.copyOf(choices);
            if (choices.isEmpty()) {
                throw new IllegalArgumentException("a categorical parameter needs at least one choice");
            }
            if (choices.stream().distinct().count() != choices.size()) {
                throw new IllegalArgumentException("the choices " + choices + " repeat a value");
            }
        }

        @Override
        public Object sample(Random random) {
            return choices.get(random.nextInt(choices.size()));
        }
    }

    private static void check(double low, double high, boolean log) {
        if (!(low < high)) {
            throw new IllegalArgumentException("low (" + low + ") must be below high (" + high + ")");
        }
        if (log && low <= 0) {
            throw new IllegalArgumentException("a log range needs low > 0, got " + low);
        }
    }
}
