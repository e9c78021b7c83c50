package dev.fmnist.tune.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.prune.MedianPruner;
import dev.fmnist.tune.prune.Pruner;
import dev.fmnist.tune.prune.SuccessiveHalvingPruner;
import dev.fmnist.tune.sampler.RandomSampler;
import dev.fmnist.tune.sampler.TpeSampler;
import dev.fmnist.tune.space.Distribution.FloatRange;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.JdbcStudyStorage;
import dev.fmnist.tune.storage.StudyRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study runner any caller uses: settings checked, a study reopened only with its own settings, trials run. */
class StudyRunnerTest {

    private static final SearchSpace SPACE = new SearchSpace(Map.of("x", new FloatRange(0, 1, false)));
    private static final StudyRecord WANTED = new StudyRecord("quad", Direction.MAXIMIZE, "val_accuracy", "space A");
    private static final StudyRunner.Settings SETTINGS = new StudyRunner.Settings("tpe", "none", 1, 3, 1, 42);
    private static final Objective PEAK = (number, params, reporter) -> 1 - Math.pow((Double) params.get("x") - 0.5, 2);

    @TempDir
    Path dir;

    @Test
    void runsTheTrialsInThisProcessAndContinuesAStudyOfTheSameSettings() {
        List<TrialOutcome> outcomes = new ArrayList<>();
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            StudyRunner runner = new StudyRunner(storage, WANTED, SPACE, SETTINGS);
            assertThat(runner.trialsBefore()).isZero();
            assertThat(runner.isWorker()).isFalse();
            assertThat(runner.run(4, PEAK, outcomes::add)).as("stopped by failures").isEmpty();
        }
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            StudyRunner again = new StudyRunner(storage, WANTED, SPACE, SETTINGS);
            assertThat(again.trialsBefore()).isEqualTo(4);
            again.run(6, PEAK, outcomes::add);
            assertThat(again.study().trials()).hasSize(6).allMatch(t -> t.state() == TrialState.COMPLETE);
        }
        assertThat(outcomes).hasSize(6);
    }

    @Test
    void aStudyOfThatNameWithOtherSettingsIsRefusedWithASentence() {
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            new StudyRunner(storage, WANTED, SPACE, SETTINGS).run(1, PEAK, outcome -> { });
            StudyRecord other = new StudyRecord("quad", Direction.MAXIMIZE, "val_accuracy", "space B");
            assertThatThrownBy(() -> new StudyRunner(storage, other, SPACE, SETTINGS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("study 'quad' exists with other settings (val_accuracy; space A); name a new one "
                            + "with --study");
        }
    }

    @Test
    void trialsFailingInARowStopTheStudyAndAreReturned() {
        Objective failing = (number, params, reporter) -> {
            throw new IllegalStateException("no GPU here");
        };
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            StudyRunner runner = new StudyRunner(storage, WANTED, SPACE, new StudyRunner.Settings("random", "median",
                    1, 2, 1, 42));
            assertThat(runner.run(10, failing, outcome -> { })).hasSize(2)
                    .allMatch(t -> t.state() == TrialState.FAILED);
        }
    }

    @Test
    void settingsAreCheckedAndNamesMadeIntoSamplersAndPruners() {
        assertThat(StudyRunner.sampler("tpe", 1)).isInstanceOf(TpeSampler.class);
        assertThat(StudyRunner.sampler("random", 1)).isInstanceOf(RandomSampler.class);
        assertThat(StudyRunner.pruner("median")).isInstanceOf(MedianPruner.class);
        assertThat(StudyRunner.pruner("asha")).isInstanceOf(SuccessiveHalvingPruner.class);
        assertThat(StudyRunner.pruner("none")).isSameAs(Pruner.NONE);
        assertThatThrownBy(() -> new StudyRunner.Settings("grid", "none", 1, 3, 10, 1))
                .hasMessage("--sampler must be tpe or random, got 'grid'");
        assertThatThrownBy(() -> new StudyRunner.Settings("tpe", "hyperband", 1, 3, 10, 1))
                .hasMessage("--pruner must be median, asha or none, got 'hyperband'");
        int cores = Runtime.getRuntime().availableProcessors();
        assertThatThrownBy(() -> new StudyRunner.Settings("tpe", "none", cores + 1, 3, 10, 1))
                .hasMessage("--parallel must be 1 to this machine's " + cores + " processors, got " + (cores + 1));
        assertThatThrownBy(() -> new StudyRunner.Settings("tpe", "none", 1, 0, 10, 1))
                .hasMessage("--max-failures must be at least 1, got 0");
        assertThatThrownBy(() -> new StudyRunner.Settings("tpe", "none", 1, 3, 0, 1))
                .hasMessage("--heartbeat-seconds must be at least 1, got 0");
    }

    @Test
    void theFirstValuesOfASpaceAreWhatANameCheckTries() {
        SearchSpace space = SearchSpace.of(Map.of("lr", Map.of("type", "float", "low", 0.001, "high", 0.1),
                "depth", Map.of("type", "int", "low", 2, "high", 5),
                "augment", Map.of("type", "categorical", "choices", List.of("flip", "none"))), "test");
        assertThat(space.firstValues()).containsEntry("lr", "0.001").containsEntry("depth", "2")
                .containsEntry("augment", "flip").hasSize(3);
    }
}
