package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapshots=K}: a cosine schedule restarted K times, the model at the end of each cycle saved as a member. */
@Tag("dataset")
class SnapshotTrainingTest {

    @TempDir
    Path runs;

    private static final Map<String, String> TWO = Map.of("snapshots", "2", "learning-rate", "0.002");

    @Test
    void aRunOfTwoCyclesWritesTwoMembersAndRestartsItsRateAfterAResume() {
        Path killed = runs.resolve("killed");
        TrainingCallback killer = KillAt.batch(3, 2);
        TrainingRequest request = TrainingRequest.of("mlp").withLimit(640).withEpochs(4).withPatience(0)
                .withOverrides(TWO);
        assertThatThrownBy(() -> Engines.engine(runs).train(request.withRunDir(killed), List.of(killer)))
                .isInstanceOf(TrainingException.class);
        RunDirectory dir = new RunDirectory(killed);
        assertThat(ModelFile.manifest(dir.snapshotModel(1)).epoch()).isEqualTo(2);
        assertThat(dir.snapshotModel(2)).doesNotExist();

        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(killed).withEpochs(6)))
                .isInstanceOf(TrainingException.class)
                .hasMessage("a run with --snapshots 2 keeps its 4 epochs (its cycles are saved with the network): resume "
                        + "it without --epochs");
        Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(killed));
        assertThat(ModelFile.manifest(dir.snapshotModel(2)).epoch()).isEqualTo(4);
        assertThat(dir.snapshotModel(3)).doesNotExist();
        EpochMetrics[] history = Json.read(dir.historyJson(), EpochMetrics[].class);
        // the rate after each epoch's 10 batches, cycles of 20: half the peak mid-cycle, the peak again at the
        // restart, and nearly 0 at the run's end (its last batch: (1 + cos(19 pi / 20)) / 2 of the peak)
        assertThat(history).extracting(EpochMetrics::learningRate).containsExactly(0.001, 0.002, 0.001,
                0.002 * (1 + Math.cos(Math.PI * 19 / 20)) / 2);
    }

    @Test
    void theScheduleAnnealsEveryCycleByBatchAndRefusesSnapshotsBesideAveragingOrPatience() {
        dev.fmnist.runtime.model.SnapshotSchedule schedule = new dev.fmnist.runtime.model.SnapshotSchedule(0.1, 30, 3);
        assertThat(schedule.valueAt(0, 0)).isEqualTo(0.1);
        assertThat(schedule.valueAt(5, 0)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(schedule.valueAt(9, 0)).isLessThan(0.003);
        assertThat(schedule.valueAt(10, 1)).as("the restart").isEqualTo(0.1);
        assertThat(schedule.valueAt(1000, 9)).as("past the end: the last batch's").isEqualTo(schedule.valueAt(29, 2));

        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(4)
                .withOverrides(Map.of("snapshots", "2", "average", "ema")).withRunDir(runs.resolve("both"))))
                .isInstanceOf(TrainingException.class).hasMessageContaining("--snapshots and average=ema:0.999 do not "
                        + "go together");
        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(4)
                .withPatience(2).withOverrides(TWO).withRunDir(runs.resolve("patient"))))
                .isInstanceOf(TrainingException.class)
                .hasMessage("--patience 2 would stop a snapshot run at a restart: --snapshots trains its epochs");
    }

    @Test
    void snapshotsThatDoNotDivideTheEpochsAreRefused() {
        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(5)
                .withOverrides(Map.of("snapshots", "2")).withRunDir(runs.resolve("odd"))))
                .isInstanceOf(TrainingException.class)
                .hasMessage("--snapshots 2 needs epochs that it divides into equal cycles, and 5 is not: use --epochs 4 "
                        + "or 6");
    }
}
