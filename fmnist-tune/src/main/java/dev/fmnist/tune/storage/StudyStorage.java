package dev.fmnist.tune.storage;

import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Studies and their trials, shared by every worker of a study (threads, processes or machines), as Optuna's RDB
 * storage shares them: trial numbers are handed out once, a running trial's worker beats a heartbeat, and a trial
 * whose heartbeat stopped is marked lost by whichever worker notices.
 */
public interface StudyStorage extends AutoCloseable {

    /** The study of that name, creating it as {@code wanted} if it does not exist yet. */
    StudyRecord openStudy(StudyRecord wanted);

    Optional<StudyRecord> study(String name);

    List<StudyRecord> studies();

    /** A new RUNNING trial with the next free number: no two workers ever get the same one. */
    default int startTrial(String study, Map<String, Object> params, String worker) {
        return startTrial(study, params, worker, Integer.MAX_VALUE).orElseThrow();
    }

    /**
     * As {@link #startTrial(String, Map, String)}, unless the study already has {@code maxTrials} trials that were
     * not lost (running, complete, pruned or failed): then empty, decided in the same statement as the insert.
     */
    OptionalInt startTrial(String study, Map<String, Object> params, String worker, int maxTrials);

    /** The objective after {@code step} (an epoch); reporting a step again replaces its value. */
    void report(String study, int number, int step, double value);

    /** The running trial's worker is alive. */
    void heartbeat(String study, int number);

    /**
     * The running trial ended COMPLETE or PRUNED with that value; false when it was no longer running (it was lost:
     * its place was given to another, so its result does not count).
     */
    boolean finish(String study, int number, TrialState state, OptionalDouble value);

    /** The running trial FAILED, for the reason given in one sentence; false as for {@link #finish}. */
    boolean fail(String study, int number, String failure);

    /** Every trial of the study with its intermediate values, by number. */
    List<Trial> trials(String study);

    /** Marks LOST every RUNNING trial whose last heartbeat is older than {@code staleMillis}; their numbers. */
    List<Integer> loseStale(String study, long staleMillis);

    @Override
    void close();
}
