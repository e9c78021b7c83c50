package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("dataset")
class TrainingEngineTest {

    @TempDir
    Path runs;

    @Test
    void callbacksAreCalledInOrderWithTheRightValues() throws Exception {
        RecordingCallback recorder = new RecordingCallback();
        RunSummary summary = Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(2)
                .withPatience(0).withRunDir(runs.resolve("order")), List.of(recorder));

        // 640 images in batches of 64: 10 batches per epoch.
        assertThat(recorder.calls).containsExactly(
                "trainStart 1",
                "epochStart 1", "batch 1.1/10", "batch 1.10/10", "epochEnd 1",
                "epochStart 2", "batch 2.1/10", "batch 2.10/10", "epochEnd 2",
                "trainEnd 2");
        assertThat(recorder.batches).hasSize(20).allSatisfy(batch -> {
            assertThat(batch.images()).isEqualTo(64);
            assertThat(batch.loss()).isFinite().isPositive();
            assertThat(batch.accuracy()).isBetween(0.0, 1.0);
        });
        assertThat(recorder.historySizes).as("history includes the epoch being reported").containsExactly(1, 2);
        EpochMetrics second = recorder.epochs.get(1);
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.validationAccuracy()).isBetween(0.3, 1.0);
        assertThat(second.learningRate()).as("the mlp's rate decays by 0.9 per epoch").isCloseTo(0.0009,
                org.assertj.core.data.Offset.offset(1e-12));
        // The epoch's train loss is the image-weighted mean of its batch losses.
        double mean = recorder.batches.subList(10, 20).stream().mapToDouble(BatchMetrics::loss).average().orElseThrow();
        assertThat(second.trainLoss()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));

        assertThat(summary.status()).isEqualTo("completed");
        assertThat(summary.epochsRun()).isEqualTo(2);
        assertThat(summary.callbacks()).containsExactly("metric history", "best checkpoint", "last checkpoint",
                "plugin callback 'recording'", "RecordingCallback");
        assertThat(RecordingCallbackFactory.EPOCHS.get(runs.resolve("order")))
                .as("the factory listed in META-INF/services was found and its callback saw every epoch")
                .containsExactly(1, 2);
        RunDirectory dir = new RunDirectory(runs.resolve("order"));
        assertThat(dir.summary()).exists();
        assertThat(Json.read(dir.summary(), RunSummary.class)).isEqualTo(summary);
        // the CPU beside the speed: figures of one run are comparable only on the same kind of CPU
        assertThat(summary.cpu()).isEqualTo(dev.fmnist.runtime.nativecpu.CpuInfo.read().describe())
                .endsWith(Runtime.getRuntime().availableProcessors() + " processors");
        assertThat(Files.readAllLines(dir.historyCsv())).hasSize(3).first().asString().startsWith("epoch,train_loss");
        ModelManifest best = ModelFile.manifest(dir.bestModel());
        assertThat(best.modelId()).isEqualTo("mlp");
        assertThat(best.classNames()).hasSize(10).startsWith("T-shirt/top");
        assertThat(best.data().trainImages()).isEqualTo(640);
        assertThat(best.parameters()).isEqualTo(109_386);
    }

    /** Two trainings into one folder: the second is refused while the first holds it, and writes nothing there. */
    @Test
    void aRunFolderInUseByAnotherTrainingIsRefused() throws Exception {
        Path folder = runs.resolve("shared");
        TrainingRequest request = TrainingRequest.of("mlp").withLimit(640).withEpochs(1).withRunDir(folder);
        try (RunFolderLock other = RunFolderLock.take(new RunDirectory(folder))) {
            assertThatThrownBy(() -> Engines.engine(runs).train(request))
                    .isInstanceOf(TrainingException.class)
                    .hasMessage("run folder " + folder + " is in use by another training (it holds run.lock); wait "
                            + "for it to end, or choose another --out");
            assertThat(folder.resolve("config.json")).doesNotExist();
        }
        assertThat(Engines.engine(runs).train(request).status()).isEqualTo("completed");
        // and the lock went with the training: a resume may take the folder
        try (RunFolderLock again = RunFolderLock.take(new RunDirectory(folder))) {
            assertThat(folder.resolve("run.lock")).exists();
        }
    }

    @Test
    void aShortRealTrainingOfTheCnnIsClearlyBetterThanChance() {
        RunSummary summary = Engines.engine(runs).train(TrainingRequest.of("cnn").withLimit(3000).withEpochs(2)
                .withRunDir(runs.resolve("cnn")));
        // Chance is 10%; two epochs on 3,000 images reach about 80% on the 10,000 test images.
        assertThat(summary.testAccuracy()).isGreaterThan(0.70);
        assertThat(summary.bestValidationAccuracy()).isGreaterThan(0.70);
    }

    @Test
    void aRunKilledMidEpochResumesFromLastAndEndsWithTheSameEpochCount() {
        Path killed = runs.resolve("killed");
        TrainingCallback killer = KillAt.batch(3, 4);
        TrainingRequest request = TrainingRequest.of("mlp").withLimit(640).withEpochs(4).withPatience(0);
        assertThatThrownBy(() -> Engines.engine(runs).train(request.withRunDir(killed), List.of(killer)))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("callback KillAt failed in onBatchEnd: simulated kill");
        assertThat(ModelFile.manifest(new RunDirectory(killed).lastModel()).epoch()).isEqualTo(2);

        RecordingCallback recorder = new RecordingCallback();
        RunSummary resumed = Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(killed), List.of(recorder));
        assertThat(recorder.calls.get(0)).isEqualTo("trainStart 3");
        assertThat(resumed.epochsRun()).isEqualTo(4);
        assertThat(resumed.status()).isEqualTo("completed");
        List<?> history = Json.read(new RunDirectory(killed).historyJson(), List.class);
        assertThat(history).hasSize(4);

        // An uninterrupted run with the same seed takes the same path: same shuffles, same optimizer state.
        RunSummary straight = Engines.engine(runs).train(request.withRunDir(runs.resolve("straight")));
        assertThat(resumed.bestValidationLoss())
                .isCloseTo(straight.bestValidationLoss(), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void divergingLossStopsTheRunWithAClearMessage() {
        TrainingRequest request = TrainingRequest.of("mlp").withLimit(640).withEpochs(3)
                .withOverrides(Map.of("learning-rate", "1e12", "optimizer", "sgd")).withRunDir(runs.resolve("nan"));
        assertThatThrownBy(() -> Engines.engine(runs).train(request))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("training mlp diverged: the loss became")
                .hasMessageContaining("lower the learning rate");
        RunSummary summary = Json.read(runs.resolve("nan/summary.json"), RunSummary.class);
        assertThat(summary.status()).isEqualTo("failed");
    }

    @Test
    void aRunFolderIsNeverOverwrittenAndResumeNeedsARunFolder() {
        Path dir = runs.resolve("once");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(100).withEpochs(1).withRunDir(dir));
        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(100).withRunDir(dir)))
                .hasMessageContaining("already holds a run; continue it with --resume");
        assertThatThrownBy(() -> Engines.engine(runs).train(TrainingRequest.of("mlp").resuming(runs.resolve("nothing"))))
                .hasMessageContaining("cannot resume " + runs.resolve("nothing") + ": it holds no last.zip");
    }

    @Test
    void augmentationIsRecordedAndNeverTouchesTheValidationImages() {
        Path dir = runs.resolve("augmented");
        RunSummary summary = Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(1)
                .withPatience(0).withRunDir(dir).withAugmentation("flip,erase:1.0:0.3-0.4:0.5"));
        RunDirectory run = new RunDirectory(dir);
        String canonical = "flip,erase:1.0:0.3-0.4:0.5";
        assertThat(Json.read(run.config(), dev.fmnist.runtime.run.RunConfig.class).augmentation()).isEqualTo(canonical);
        ModelManifest manifest = ModelFile.manifest(run.bestModel());
        assertThat(manifest.augmentation()).isEqualTo(canonical);

        // Every training image had a third of it erased; the validation pass must still see clean images.
        var validation = dev.fmnist.data.RealDataset.get().split().limit(640, 71).validation();
        var best = ModelFile.load(run.bestModel(), false);
        double clean = Validation.of(best.network(), best.manifest(), validation).accuracy();
        assertThat(manifest.metrics().validationAccuracy()).isEqualTo(clean);
        assertThat(summary.epochsRun()).isEqualTo(1);
    }
}
