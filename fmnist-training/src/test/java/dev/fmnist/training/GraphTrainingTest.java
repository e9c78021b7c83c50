package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine with a graph network (the built-in resnet, made tiny): the same run, checkpoints and resume. */
@Tag("dataset")
class GraphTrainingTest {

    @TempDir
    Path runs;

    private static final Map<String, String> TINY = Map.of("blocks", "1", "width", "4", "batch-size", "64");

    @Test
    void aGraphTrainsReportsBatchMetricsCheckpointsAndResumesLikeAnUninterruptedRun() {
        Path killed = runs.resolve("killed");
        RecordingCallback firstSession = new RecordingCallback();
        TrainingCallback killer = new TrainingCallback() {
            @Override
            public void onBatchEnd(TrainingContext context, BatchMetrics batch) {
                assertThat(context.model()).isInstanceOf(ComputationGraph.class);
                if (batch.epoch() == 2 && batch.batch() == 3) {
                    throw new IllegalStateException("simulated kill");
                }
            }
        };
        TrainingRequest request = TrainingRequest.of("resnet").withLimit(640).withEpochs(3).withPatience(0)
                .withOverrides(TINY);
        assertThatThrownBy(() -> Engines.engine(runs).train(request.withRunDir(killed),
                List.of(firstSession, killer))).isInstanceOf(TrainingException.class);
        assertThat(firstSession.batches).as("the probe measures a graph's batches from its own forward pass")
                .hasSizeGreaterThanOrEqualTo(10).allSatisfy(batch -> {
                    assertThat(batch.loss()).isFinite().isPositive();
                    assertThat(batch.accuracy()).isBetween(0.0, 1.0);
                });
        ModelManifest last = ModelFile.manifest(new RunDirectory(killed).lastModel());
        assertThat(last.epoch()).isEqualTo(1);
        assertThat(last.network()).isEqualTo(Network.Kind.GRAPH);

        RunSummary resumed = Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(killed));
        assertThat(resumed.epochsRun()).isEqualTo(3);
        assertThat(resumed.status()).isEqualTo("completed");
        assertThat(resumed.testAccuracy()).as("three tiny epochs beat chance").isGreaterThan(0.3);

        // The optimizer's momentum and the schedule's epoch come back from last.zip: the same path as one run.
        RunSummary straight = Engines.engine(runs).train(request.withRunDir(runs.resolve("straight")));
        assertThat(resumed.bestValidationLoss())
                .isCloseTo(straight.bestValidationLoss(), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(ModelFile.load(new RunDirectory(killed).bestModel(), false).network().kind())
                .isEqualTo(Network.Kind.GRAPH);
    }
}
