package dev.fmnist.tune;

/** Where a trial is: as Optuna names them. */
public enum TrialState {
    RUNNING, COMPLETE, PRUNED, FAILED;

    public boolean finished() {
        return this != RUNNING;
    }
}
