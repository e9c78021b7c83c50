package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.runtime.run.RunConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule for a run's epochs, augmentation and patience: flag, else the model's own key, else train.*. */
class TrainingPlanTest {

    private static final TrainingConfig CONFIG = new TrainingConfig(Path.of("runs"), 20, 4, "val_loss", 1e-4, true,
            "crop");

    private static Hyperparameters declaring(Map<String, String> keys) {
        return Hyperparameters.of(keys);
    }

    @Test
    void withoutFlagsOrKeysTheConfigurationDecides() {
        TrainingPlan plan = TrainingPlan.of(declaring(Map.of("units", "128")), TrainingRequest.of("mlp"), CONFIG);
        assertThat(plan.epochs()).isEqualTo(20);
        assertThat(plan.augmentation().toString()).isEqualTo("crop:4");
        assertThat(plan.patience()).isEqualTo(4);
        assertThat(plan.batchSize()).isEqualTo(64);
        assertThat(plan.labelSmoothing()).isZero();
        assertThat(plan.hyperparameters().values()).isEqualTo(Map.of("units", "128"));
    }

    @Test
    void aScheduleThatAnnealsToTheRunsEndIsNotStoppedEarlyUnlessTheFlagAsks() {
        for (String schedule : new String[] {"cosine", "one-cycle"}) {
            Hyperparameters keys = declaring(Map.of("lr-schedule", schedule, "epochs", "27"));
            assertThat(TrainingPlan.of(keys, TrainingRequest.of("resnet"), CONFIG).patience()).as(schedule).isZero();
            assertThat(TrainingPlan.of(keys, TrainingRequest.of("resnet").withPatience(3), CONFIG).patience())
                    .as(schedule + " with --patience 3").isEqualTo(3);
        }
        Hyperparameters decaying = declaring(Map.of("lr-schedule", "exponential", "lr-decay", "0.85"));
        assertThat(TrainingPlan.of(decaying, TrainingRequest.of("cnn"), CONFIG).patience()).isEqualTo(4);
        // fine-tuning a resnet learns at Adam's constant rate, whatever schedule its parent recorded
        Hyperparameters parent = declaring(Map.of("lr-schedule", "cosine", "epochs", "27"));
        assertThat(TrainingPlan.fineTuning(parent, TrainingRequest.of("resnet"), CONFIG, "flip").patience())
                .isEqualTo(4);
    }

    @Test
    void aModelsOwnKeysOverrideTheConfigurationAndAreRecordedAsInForce() {
        Hyperparameters keys = declaring(Map.of("epochs", "12", "augment", "flip", "batch-size", "128",
                "label-smoothing", "0.1"));
        TrainingPlan plan = TrainingPlan.of(keys, TrainingRequest.of("deep-cnn"), CONFIG);
        assertThat(plan.epochs()).isEqualTo(12);
        assertThat(plan.augmentation().toString()).isEqualTo("flip");
        assertThat(plan.batchSize()).isEqualTo(128);
        assertThat(plan.labelSmoothing()).isEqualTo(0.1);
    }

    @Test
    void flagsOverrideEverythingAndTheRecordedKeysFollowThem() {
        Hyperparameters keys = declaring(Map.of("epochs", "12", "augment", "flip"));
        TrainingRequest request = TrainingRequest.of("deep-cnn").withEpochs(3).withAugmentation("none")
                .withPatience(0);
        TrainingPlan plan = TrainingPlan.of(keys, request, CONFIG);
        assertThat(plan.epochs()).isEqualTo(3);
        assertThat(plan.augmentation().toString()).isEqualTo("none");
        assertThat(plan.patience()).isZero();
        assertThat(plan.hyperparameters().values()).containsEntry("epochs", "3").containsEntry("augment", "none");
        // a model without the keys gets none recorded: the run's config.json holds its epochs and augmentation
        TrainingPlan plain = TrainingPlan.of(declaring(Map.of()), request, CONFIG);
        assertThat(plain.epochs()).isEqualTo(3);
        assertThat(plain.hyperparameters().values()).isEmpty();
    }

    @Test
    void aFineTuningRunTakesItsParentsEpochsKeyWhereItHasOne() {
        TrainingPlan plan = TrainingPlan.fineTuning(declaring(Map.of("epochs", "12", "augment", "flip")),
                TrainingRequest.of("deep-cnn"), CONFIG, "flip");
        assertThat(plan.epochs()).isEqualTo(12);
        assertThat(TrainingPlan.fineTuning(declaring(Map.of("epochs", "12")), TrainingRequest.of("deep-cnn")
                .withEpochs(4), CONFIG, "flip").epochs()).isEqualTo(4);
    }

    @Test
    void aFineTuningRunFallsBackOnItsParentsAugmentation() {
        TrainingPlan plan = TrainingPlan.fineTuning(declaring(Map.of()), TrainingRequest.of("cnn"), CONFIG,
                "flip,erase");
        assertThat(plan.augmentation().toString()).startsWith("flip,erase");
        assertThat(plan.epochs()).isEqualTo(20);
    }

    @Test
    void aResumedRunKeepsWhatItStartedWithButForTheFlagsGivenAgain() {
        RunConfig saved = new RunConfig("cnn", Map.of("label-smoothing", "0.05"), 32, 42, 10, 2, "val_loss", 1e-4,
                true, 1000, 100, 0.1, Normalization.scale(), "test", "0.1.0", "2026-12-06T00:00:00Z", "flip");
        TrainingPlan kept = TrainingPlan.resumed(saved, TrainingRequest.of("cnn"));
        assertThat(kept.epochs()).isEqualTo(10);
        assertThat(kept.patience()).isEqualTo(2);
        assertThat(kept.batchSize()).isEqualTo(32);
        assertThat(kept.labelSmoothing()).isEqualTo(0.05);
        assertThat(kept.augmentation().toString()).isEqualTo("flip");
        TrainingPlan longer = TrainingPlan.resumed(saved, TrainingRequest.of("cnn").withEpochs(15).withPatience(0));
        assertThat(longer.epochs()).isEqualTo(15);
        assertThat(longer.patience()).isZero();
    }

    @Test
    void badValuesAreSentencesNamingWhatWasGiven() {
        assertThatThrownBy(() -> TrainingPlan.of(declaring(Map.of()), TrainingRequest.of("mlp")
                .withAugmentation("twirl"), CONFIG)).isInstanceOf(TrainingException.class)
                .hasMessageStartingWith("--augment twirl: ");
        assertThatThrownBy(() -> TrainingPlan.of(declaring(Map.of()), TrainingRequest.of("mlp").withEpochs(0),
                CONFIG)).isInstanceOf(TrainingException.class).hasMessage("epochs must be from 1 to 100000, got 0");
        assertThatThrownBy(() -> TrainingPlan.of(declaring(Map.of("epochs", "12")), TrainingRequest.of("deep-cnn")
                .withEpochs(200_000), CONFIG)).isInstanceOf(TrainingException.class)
                .hasMessage("epochs must be from 1 to 100000, got 200000");
    }

    @Test
    void weightAveragingIsAHyperparameterAndSwaMustStartWithinTheRun() {
        TrainingPlan plan = TrainingPlan.of(declaring(Map.of("average", "ema:0.99")), TrainingRequest.of("mlp"), CONFIG);
        assertThat(plan.averaging()).hasToString("ema:0.99");
        assertThat(TrainingPlan.of(declaring(Map.of()), TrainingRequest.of("mlp"), CONFIG).averaging().isNone()).isTrue();
        assertThatThrownBy(() -> TrainingPlan.of(declaring(Map.of("average", "swa:30")), TrainingRequest.of("mlp"),
                CONFIG)).isInstanceOf(TrainingException.class)
                .hasMessage("average swa:30 starts after the run's last epoch (20); start it at epoch 20 or earlier");
        assertThatThrownBy(() -> TrainingPlan.fineTuning(declaring(Map.of("average", "emma")), TrainingRequest.of("mlp"),
                CONFIG, "none")).isInstanceOf(TrainingException.class).hasMessageContaining("'emma' is not known");
    }
}
