package dev.fmnist.runtime.model;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine annealing restarted every cycle (Huang et al., "Snapshot Ensembles: Train 1, get M for free", ICLR 2017): the
 * run's {@code iterations} fall into {@code cycles} equal cycles of {@code L} batches, and batch {@code i} (0-based)
 * trains at {@code peak * (1 + cos(pi * (i mod L) / L)) / 2}, so each cycle anneals to nearly 0 whatever its length
 * and ends near a minimum whose model is one member of the ensemble. By batch, not epoch: a cycle of one or two epochs
 * would otherwise never anneal. Here, not in the plugins' schedules, because the engine sets it on any network
 * ({@code fmnist train --snapshots}), and every module that loads a model file must know the class.
 */
public final class SnapshotSchedule implements ISchedule {

    private final double peak;
    private final long iterations;
    private final int cycles;

    /** @param iterations the run's batches: its epochs times the batches of one, a multiple of {@code cycles} */
    public SnapshotSchedule(@JsonProperty("peak") double peak, @JsonProperty("iterations") long iterations,
            @JsonProperty("cycles") int cycles) {
        if (!(peak > 0) || cycles < 2 || iterations < cycles || iterations % cycles != 0) {
            throw new IllegalArgumentException("a snapshot schedule needs a peak rate above 0 and 2 or more cycles "
                    + "that divide the batches; got peak " + peak + ", batches " + iterations + ", cycles " + cycles);
        }
        this.peak = peak;
        this.iterations = iterations;
        this.cycles = cycles;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        long length = iterations / cycles;
        return peak * (1 + Math.cos(Math.PI * (Math.min(iteration, iterations - 1) % length) / length)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new SnapshotSchedule(peak, iterations, cycles);
    }

    public ScheduleType getScheduleType() {
        return ScheduleType.ITERATION;
    }

    public double getPeak() {
        return peak;
    }

    public long getIterations() {
        return iterations;
    }

    public int getCycles() {
        return cycles;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SnapshotSchedule o && o.peak == peak && o.iterations == iterations
                && o.cycles == cycles;
    }

    @Override
    public int hashCode() {
        return Objects.hash(peak, iterations, cycles);
    }
}
