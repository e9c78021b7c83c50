package dev.fmnist.api.schedule;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The one-cycle policy (Smith and Topin, "Super-Convergence", 2019), by epoch, with PyTorch's
 * {@code OneCycleLR} defaults: the rate rises linearly from {@code peak / 25} to {@code peak} over the first 30%
 * of the epochs, then falls along a cosine to {@code peak / 25 / 10^4} at the last epoch.
 */
public final class OneCycleSchedule implements ISchedule {

    private static final double START_DIVISOR = 25;
    private static final double FINAL_DIVISOR = 1e4;
    private static final double RISING_SHARE = 0.3;

    private final double peak;
    private final int epochs;

    public OneCycleSchedule(@JsonProperty("peak") double peak, @JsonProperty("epochs") int epochs) {
        if (!(peak > 0) || epochs < 2) {
            throw new IllegalArgumentException("one-cycle schedule needs peak > 0 and at least 2 epochs; got peak "
                    + peak + ", epochs " + epochs);
        }
        this.peak = peak;
        this.epochs = epochs;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double start = peak / START_DIVISOR;
        double end = start / FINAL_DIVISOR;
        int rising = Math.max(1, (int) Math.round(RISING_SHARE * (epochs - 1)));
        if (epoch <= rising) {
            return start + (peak - start) * epoch / rising;
        }
        if (epoch >= epochs - 1) {
            return end;
        }
        double progress = (double) (epoch - rising) / (epochs - 1 - rising);
        return end + (peak - end) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new OneCycleSchedule(peak, epochs);
    }

    public ScheduleType getScheduleType() {
        return ScheduleType.EPOCH;
    }

    public double getPeak() {
        return peak;
    }

    public int getEpochs() {
        return epochs;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OneCycleSchedule o && o.peak == peak && o.epochs == epochs;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(peak, epochs);
    }

    @Override
    public String toString() {
        return "one-cycle(peak " + peak + ", " + epochs + " epochs)";
    }
}
