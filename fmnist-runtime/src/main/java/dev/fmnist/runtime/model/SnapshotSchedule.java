package dev.fmnist.runtime.model;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine annealing restarted every cycle, by epoch (Huang et al., "Snapshot Ensembles: Train 1, get M for free", ICLR
 * 2017): the run's epochs fall into {@code cycles} equal cycles, and epoch {@code e} (0-based) of a cycle of
 * {@code L} epochs trains at {@code peak * (1 + cos(pi * (e mod L) / L)) / 2}, so each cycle ends near a minimum
 * whose model is one member of the ensemble. Here, not in the plugins' schedules, because the engine sets it on any
 * network ({@code fmnist train --snapshots}), and every module that loads a model file must know the class.
 */
public final class SnapshotSchedule implements ISchedule {

    private final double peak;
    private final int epochs;
    private final int cycles;

    public SnapshotSchedule(@JsonProperty("peak") double peak, @JsonProperty("epochs") int epochs,
            @JsonProperty("cycles") int cycles) {
        if (!(peak > 0) || cycles < 2 || epochs < cycles || epochs % cycles != 0) {
            throw new IllegalArgumentException("a snapshot schedule needs a peak rate above 0 and 2 or more cycles "
                    + "that divide the epochs; got peak " + peak + ", epochs " + epochs + ", cycles " + cycles);
        }
        this.peak = peak;
        this.epochs = epochs;
        this.cycles = cycles;
    }

    /** Epochs per cycle: a member is saved after each cycle's last. */
    public int cycleEpochs() {
        return epochs / cycles;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        int length = cycleEpochs();
        return peak * (1 + Math.cos(Math.PI * (Math.min(epoch, epochs - 1) % length) / length)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new SnapshotSchedule(peak, epochs, cycles);
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

    public int getCycles() {
        return cycles;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SnapshotSchedule o && o.peak == peak && o.epochs == epochs && o.cycles == cycles;
    }

    @Override
    public int hashCode() {
        return Objects.hash(peak, epochs, cycles);
    }
}
