package dev.fmnist.models;

import java.util.Locale;

/**
 * Which average of its weights a run keeps beside the weights it trains, and saves as its model: none; {@code ema}, an
 * exponential moving average updated after every batch; or {@code swa}, stochastic weight averaging (Izmailov et
 * al. 2018), the plain mean of the weights at the end of each epoch from a start epoch on. Either averages the
 * batch-normalization statistics with the weights (they are parameters of the network in DL4J), so the averaged
 * network tracks its own statistics rather than recomputing them.
 *
 * <p>Spelled {@code none}, {@code ema}, {@code ema:DECAY} (default {@value #DEFAULT_DECAY}), {@code swa} (the last
 * quarter of the epochs) or {@code swa:EPOCH} (from that epoch on).
 *
 * @param decay the EMA's weight of the average at each batch, in (0, 1); the first batches use less (see
 *              {@link #decayAt})
 * @param start the first epoch SWA averages; 0 for the last quarter of the run's epochs
 */
public record WeightAveraging(Kind kind, double decay, int start) {

    public static final double DEFAULT_DECAY = 0.999;
    public static final WeightAveraging NONE = new WeightAveraging(Kind.NONE, 0, 0);

    public enum Kind { NONE, EMA, SWA }

    public WeightAveraging {
        if (kind == Kind.EMA && !(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("the EMA decay must be between 0 and 1 (exclusive), got " + decay);
        }
        if (kind == Kind.SWA && start < 0) {
            throw new IllegalArgumentException("the SWA start epoch must be 1 or more, got " + start);
        }
    }

    /** Parses a spec; the message of a bad one names what is accepted. */
    public static WeightAveraging parse(String spec) {
        String text = spec.trim().toLowerCase(Locale.ROOT);
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String argument = colon < 0 ? null : text.substring(colon + 1);
        try {
            switch (kind) {
                case "none":
                    if (argument == null) {
                        return NONE;
                    }
                    break;
                case "ema":
                    return new WeightAveraging(Kind.EMA, argument == null ? DEFAULT_DECAY
                            : Double.parseDouble(argument), 0);
                case "swa":
                    int start = argument == null ? 0 : Integer.parseInt(argument);
                    if (argument != null && start < 1) {
                        throw new IllegalArgumentException("the SWA start epoch must be 1 or more, got " + start);
                    }
                    return new WeightAveraging(Kind.SWA, 0, start);
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("average '" + spec + "': '" + argument + "' is not a number; "
                    + accepted(), e);
        }
        throw new IllegalArgumentException("average '" + spec + "' is not known; " + accepted());
    }

    private static String accepted() {
        return "use none, ema, ema:DECAY (such as ema:0.999), swa or swa:EPOCH (the first epoch averaged)";
    }

    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /**
     * The EMA's decay after {@code updates} batches: {@code min(decay, (1 + updates) / (10 + updates))}, so the
     * average follows the fast-moving first weights instead of remembering the random ones (as TensorFlow's
     * {@code ExponentialMovingAverage} with {@code num_updates}).
     */
    public double decayAt(long updates) {
        return Math.min(decay, (1.0 + updates) / (10.0 + updates));
    }

    /** The first epoch SWA averages in a run of {@code epochs}: the start given, else that of the last quarter (at
     * least the last epoch). */
    public int startIn(int epochs) {
        return start > 0 ? start : Math.max(1, epochs - Math.max(1, epochs / 4) + 1);
    }

    /** The same averaging with SWA's start as an epoch of a run of {@code epochs}. */
    public WeightAveraging startingIn(int epochs) {
        return kind == Kind.SWA ? new WeightAveraging(kind, decay, startIn(epochs)) : this;
    }

    /** The canonical spec, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case EMA -> "ema:" + decay;
            case SWA -> start == 0 ? "swa" : "swa:" + start;
        };
    }
}
