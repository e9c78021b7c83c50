package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.models.ModelException;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Weight averaging ({@code average=ema|swa}): the average is computed as specified, saved, monitored and resumed. */
@Tag("dataset")
class WeightAveragingTrainingTest {

    @TempDir
    Path runs;

    @Test
    void theEmaIsUpdatedEveryBatchAndIsWhatBestZipHolds() throws IOException {
        // The expected average, computed beside the engine from the weights after every batch.
        TrainingCallback shadow = new TrainingCallback() {
            INDArray ema;
            long updates;

            @Override
            public void onTrainStart(TrainingContext context, int startEpoch) {
                ema = context.model().params().dup();
            }

            @Override
            public void onBatchEnd(TrainingContext context, BatchMetrics batch) {
                double decay = Math.min(0.9, (1.0 + updates) / (10.0 + updates));
                updates++;
                ema = ema.mul(decay).addi(context.model().params().mul(1 - decay));
            }

            @Override
            public void onTrainEnd(TrainingContext context, int epochsRun) {
                expected.add(ema);
            }
        };
        Path dir = runs.resolve("ema");
        RunSummary summary = Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(1)
                .withOverrides(Map.of("average", "ema:0.9")).withRunDir(dir), List.of(shadow));
        RunDirectory run = new RunDirectory(dir);

        INDArray best = params(run.bestModel());
        INDArray trained = params(run.lastModel());
        assertThat(maxDifference(best, expected.get(0))).as("best.zip holds the EMA").isLessThan(1e-5);
        assertThat(maxDifference(params(run.averageModel()), best)).isLessThan(1e-7);
        assertThat(maxDifference(best, trained)).as("the average is not the trained weights").isGreaterThan(1e-3);

        List<String> rows = Files.readAllLines(run.averagingCsv());
        assertThat(rows.get(0)).isEqualTo(AveragingHistory.HEADER);
        String[] row = rows.get(1).split(",");
        assertThat(row[0]).isEqualTo("1");
        assertThat(Double.parseDouble(row[3])).as("history's val_loss is the average's")
                .isCloseTo(summary.bestValidationLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(Double.parseDouble(row[1])).isNotCloseTo(Double.parseDouble(row[3]),
                org.assertj.core.data.Offset.offset(1e-6));
    }

    private final List<INDArray> expected = new ArrayList<>();

    @Test
    void swaIsTheMeanOfTheEpochsWeightsFromItsStartOn() {
        List<INDArray> atEpochEnd = new ArrayList<>();
        TrainingCallback recorder = new TrainingCallback() {
            @Override
            public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
                atEpochEnd.add(context.model().params().dup());
            }
        };
        Path dir = runs.resolve("swa");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(3).withPatience(0)
                .withOverrides(Map.of("average", "swa:2")).withRunDir(dir), List.of(recorder));
        RunDirectory run = new RunDirectory(dir);

        INDArray mean = atEpochEnd.get(1).add(atEpochEnd.get(2)).divi(2);
        assertThat(maxDifference(params(run.averageModel()), mean)).isLessThan(1e-6);
        assertThat(ModelFile.manifest(run.averageModel()).epoch()).isEqualTo(3);
        assertThat(averagedAccuracy(run, 1)).as("no average before the start epoch").isNaN();
        assertThat(averagedAccuracy(run, 2)).isBetween(0.0, 1.0);
        assertThat(ModelFile.manifest(run.bestModel()).epoch()).as("best.zip holds an average once there is one")
                .isGreaterThanOrEqualTo(2);
        assertThat(ModelFile.manifest(run.bestModel()).hyperparameters()).containsEntry("average", "swa:2");
    }

    @Test
    void theDefaultSwaStartIsRecordedAsAnEpochSoAResumeWithMoreEpochsKeepsIt() {
        Path dir = runs.resolve("swa-default");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(4).withPatience(0)
                .withOverrides(Map.of("average", "swa")).withRunDir(dir));
        assertThat(ModelFile.manifest(new RunDirectory(dir).lastModel()).hyperparameters())
                .containsEntry("average", "swa:4");
        Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(dir).withEpochs(6));
        assertThat(averagedAccuracy(new RunDirectory(dir), 6)).isBetween(0.0, 1.0);
        assertThat(ModelFile.manifest(new RunDirectory(dir).bestModel()).epoch()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aRunKilledBetweenItsAverageAndLastZipResumesFromThePreviousAverage() {
        Path dir = runs.resolve("window");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(2).withPatience(0)
                .withOverrides(Map.of("average", "ema:0.9")).withRunDir(dir));
        RunDirectory run = new RunDirectory(dir);
        assertThat(ModelFile.manifest(run.previousAverageModel()).epoch()).isEqualTo(1);
        // last.zip still of epoch 1, average.zip already of epoch 2: the average of epoch 1 continues
        dev.fmnist.runtime.model.SavedModel last = ModelFile.load(run.lastModel(), true);
        AveragedWeights averaged = AveragedWeights.of(
                dev.fmnist.models.WeightAveraging.parse("ema:0.9"), last.network(), 2);
        averaged.resume(run, 1, dev.fmnist.runtime.plugins.PluginClasses.platform());
        assertThat(maxDifference(averaged.network().model().params(), params(run.previousAverageModel())))
                .isLessThan(1e-7);
        averaged.resume(run, 2, dev.fmnist.runtime.plugins.PluginClasses.platform());
        assertThat(maxDifference(averaged.network().model().params(), params(run.averageModel()))).isLessThan(1e-7);
    }

    @Test
    void aFineTuningRunDoesNotInheritItsParentsAveraging() {
        Path parent = runs.resolve("parent");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(1)
                .withOverrides(Map.of("average", "swa:1")).withRunDir(parent));
        Path child = runs.resolve("child");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(1).withRunDir(child)
                .fineTuning(new FineTuning(parent, java.util.OptionalInt.empty(), 1e-4)));
        assertThat(ModelFile.manifest(new RunDirectory(child).bestModel()).hyperparameters()).doesNotContainKey("average");
        assertThat(new RunDirectory(child).averageModel()).doesNotExist();
    }

    @Test
    void aResumedRunContinuesItsAverageAsAnUninterruptedOne() {
        Map<String, String> tinyResnet = Map.of("blocks", "1", "width", "4", "batch-size", "64", "average", "ema:0.95");
        TrainingRequest request = TrainingRequest.of("resnet").withLimit(640).withEpochs(3).withPatience(0)
                .withOverrides(tinyResnet);
        Path killed = runs.resolve("killed");
        TrainingCallback killer = KillAt.batch(3, 2);
        assertThatThrownBy(() -> Engines.engine(runs).train(request.withRunDir(killed), List.of(killer)))
                .isInstanceOf(TrainingException.class);
        Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(killed));
        Path straight = runs.resolve("straight");
        Engines.engine(runs).train(request.withRunDir(straight));

        INDArray resumed = params(new RunDirectory(killed).averageModel());
        INDArray uninterrupted = params(new RunDirectory(straight).averageModel());
        // the graph's batch-normalization statistics are parameters too, averaged with the weights
        assertThat(maxDifference(resumed, uninterrupted)).isLessThan(1e-4);
        assertThat(maxDifference(resumed, params(new RunDirectory(killed).lastModel()))).isGreaterThan(1e-4);
    }

    @Test
    void aBadSpecIsRefusedWithWhatIsAccepted() {
        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640)
                .withOverrides(Map.of("average", "ema:1.5")).withRunDir(runs.resolve("bad"))))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("the EMA decay must be between 0 and 1 (exclusive), got 1.5");
        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640)
                .withOverrides(Map.of("average", "polyak")).withRunDir(runs.resolve("bad"))))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("average 'polyak' is not known; use none, ema, ema:DECAY");
    }

    private static double averagedAccuracy(RunDirectory run, int epoch) {
        try {
            return Double.parseDouble(Files.readAllLines(run.averagingCsv()).get(epoch).split(",")[4]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static INDArray params(Path model) {
        return ModelFile.load(model, false).network().model().params();
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return Nd4j.math().abs(a.sub(b)).maxNumber().doubleValue();
    }
}
