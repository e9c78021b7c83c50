package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.RealDataset;
import dev.fmnist.models.Distillation;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distillation ({@code teacher=MODEL}): a student trains on the labels mixed with a teacher's softened targets. */
@Tag("dataset")
class DistillationTrainingTest {

    @TempDir
    static Path runs;

    private static Path teacher;

    @BeforeAll
    static void trainATeacher() {
        teacher = runs.resolve("teacher");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(1).withRunDir(teacher));
    }

    private static TrainingRequest student() {
        return TrainingRequest.of("mlp").withLimit(640).withEpochs(1).withPatience(0);
    }

    @Test
    void theTargetsAreTheTeachersProbabilitiesSoftenedByTheTemperature() {
        LabelledImages images = RealDataset.get().testImages().subset(IntStream.range(0, 50).toArray());
        // raw: the run calibrated its model, and a teacher is asked for its network's own probabilities
        float[] probabilities = Predictor.load(teacher).withCalibration(false).predictions(images).probabilities();
        float[] targets = TeacherTargets.of(new Distillation(teacher, 3, 0.5), images, images.shape(),
                images.classNames(), new ModelRegistry(Optional.empty())).targets();
        assertThat(targets).hasSize(500);
        for (int image = 0; image < 50; image++) {
            double sum = 0;
            for (int c = 0; c < 10; c++) {
                sum += Math.cbrt(probabilities[image * 10 + c]);
            }
            for (int c = 0; c < 10; c++) {
                assertThat((double) targets[image * 10 + c]).as("image %d, class %d", image, c)
                        .isCloseTo(Math.cbrt(probabilities[image * 10 + c]) / sum, within(1e-6));
            }
        }
    }

    @Test
    void aStudentTrainsOnItsTeachersTargetsAndRecordsItsTeacherAndTheyFollowItsResume() {
        Path alone = runs.resolve("alone");
        Engines.engine(runs).train(student().withRunDir(alone));
        Path taught = runs.resolve("taught");
        // a relative teacher: recorded absolute, so that a resume from elsewhere finds it
        Path relative = Path.of("").toAbsolutePath().relativize(teacher);
        Engines.engine(runs).train(student().withRunDir(taught).withOverrides(Map.of("teacher", relative.toString(),
                "teacher-temperature", "4", "teacher-weight", "1")));

        Map<String, String> recorded = ModelFile.manifest(new RunDirectory(taught).bestModel()).hyperparameters();
        assertThat(recorded).containsEntry("teacher", teacher.toString()).containsEntry("teacher-temperature", "4")
                .containsEntry("teacher-weight", "1");
        // the same seed, images and initialization: only the targets differ, and with them the training loss
        assertThat(trainLoss(taught, 0)).isNotCloseTo(trainLoss(alone, 0), within(1e-3));

        Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(taught).withEpochs(2));
        assertThat(ModelFile.manifest(new RunDirectory(taught).lastModel()).hyperparameters())
                .containsEntry("teacher", teacher.toString());
        assertThat(Json.read(new RunDirectory(taught).historyJson(), EpochMetrics[].class)).hasSize(2);
    }

    @Test
    void aMissingTeacherOrAStrayTeacherKeyIsRefusedBeforeARunFolderIsMade() {
        Path missing = runs.resolve("no-such-teacher");
        Path run = runs.resolve("refused");
        assertThatThrownBy(() -> Engines.engine(runs).train(student().withRunDir(run)
                .withOverrides(Map.of("teacher", missing.toString()))))
                .isInstanceOf(TrainingException.class)
                .hasMessageStartingWith("the teacher " + missing + " cannot be read: ");
        assertThat(run).doesNotExist();

        assertThatThrownBy(() -> Engines.engine(runs).train(student().withRunDir(run)
                .withOverrides(Map.of("teacher-weight", "0.5"))))
                .hasMessageContaining("hyperparameter 'teacher-weight' needs a teacher: set 'teacher' to a trained "
                        + "model (or use fmnist distill)");
        assertThatThrownBy(() -> Engines.engine(runs).train(student().withRunDir(run)
                .withOverrides(Map.of("teacher", teacher.toString(), "teacher-weight", "1.5"))))
                .hasMessageContaining("hyperparameter 'teacher-weight' = 1.5 must be in (0, 1]");
        assertThatThrownBy(() -> Engines.engine(runs).train(student().withRunDir(run)
                .withOverrides(Map.of("teacher", teacher.toString(), "teacher-temperature", "0"))))
                .hasMessageContaining("hyperparameter 'teacher-temperature' = 0.0 must be a positive number");
        assertThat(run).doesNotExist();
    }

    private static double trainLoss(Path run, int epoch) {
        return Json.read(new RunDirectory(run).historyJson(), EpochMetrics[].class)[epoch].trainLoss();
    }
}
