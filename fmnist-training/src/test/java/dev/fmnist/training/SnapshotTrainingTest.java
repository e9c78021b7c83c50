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
        // cycles of two epochs: the peak, then (1 + cos(pi / 2)) / 2 of it; again after the restart
        assertThat(history).extracting(EpochMetrics::learningRate).containsExactly(0.002, 0.001, 0.002, 0.001);
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
