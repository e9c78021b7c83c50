package dev.fmnist.api.schedule;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine annealing (Loshchilov and Hutter, "SGDR", ICLR 2017, without restarts) after a linear warm-up (Goyal
 * et al., "Accurate, Large Minibatch SGD", 2017), by epoch: epoch {@code e} (0-based) trains at
 * {@code peak * (e + 1) / warmup} while {@code e < warmup}, then at
 * {@code min + (peak - min) * (1 + cos(pi * (e - warmup) / (epochs - warmup))) / 2}, and at {@code min} after
 * {@code epochs}. The rate changes once per epoch, so a warm-up of one epoch is one epoch at the peak before
 * the annealing starts; a gentler start needs two or more.
 */
public final class WarmupCosineSchedule implements ISchedule {

    private final double peak;
    private final double min;
    private final int epochs;
    private final int warmup;

    public WarmupCosineSchedule(@JsonProperty("peak") double peak, @JsonProperty("min") double min,
            @JsonProperty("epochs") int epochs, @JsonProperty("warmup") int warmup) {
        if (!(peak > 0) || min < 0 || min > peak || epochs < 1 || warmup < 0 || warmup >= epochs) {
            throw new IllegalArgumentException("cosine schedule needs peak > 0, 0 <= min <= peak, epochs >= 1 and "
                    + "0 <= warm-up < epochs; got peak " + peak + ", min " + min + ", epochs " + epochs + ", warm-up "
                    + warmup);
        }
        this.peak = peak;
        this.min = min;
        this.epochs = epochs;
        this.warmup = warmup;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (epoch < warmup) {
            return peak * (epoch + 1) / warmup;
        }
        if (epoch >= epochs) {
            return min;
        }
        double progress = (double) (epoch - warmup) / (epochs - warmup);
        return min + (peak - min) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(peak, min, epochs, warmup);
    }

    public ScheduleType getScheduleType() {
        return ScheduleType.EPOCH;
    }

    public double getPeak() {
        return peak;
    }

    public double getMin() {
        return min;
    }

    public int getEpochs() {
        return epochs;
    }

    public int getWarmup() {
        return warmup;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WarmupCosineSchedule o && o.peak == peak && o.min == min && o.epochs == epochs
                && o.warmup == warmup;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(peak, min, epochs, warmup);
    }

    @Override
    public String toString() {
        return "cosine(peak " + peak + ", min " + min + ", " + epochs + " epochs, warm-up " + warmup + ")";
    }
}
