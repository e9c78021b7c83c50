package dev.fmnist.tune;

/**
 * Where a trial is: as Optuna names them, and {@code LOST}. A FAILED trial's objective threw (a setting that
 * cannot train, a bad plugin): it counts toward the study's trials, as in Optuna, so a study whose trials fail
 * still ends. A LOST trial's worker died (it stopped beating its heartbeat: killed, machine gone): the failure is
 * not the trial's, so it does not count and another trial takes its place.
 */
public enum TrialState {
    RUNNING, COMPLETE, PRUNED, FAILED, LOST;

    public boolean finished() {
        return this != RUNNING;
    }
}
