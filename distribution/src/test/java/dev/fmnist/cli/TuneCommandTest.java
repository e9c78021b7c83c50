package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.storage.JdbcStudyStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real studies of the mlp on a thousand images: trials are run folders, the study resumes from its SQLite file. */
@Tag("dataset")
class TuneCommandTest {

    @TempDir
    Path dir;

    private Path space() throws Exception {
        Path space = dir.resolve("space.yaml");
        Files.writeString(space, """
                learning-rate: {type: float, low: 1e-4, high: 1e-2, log: true}
                width: {type: int, low: 16, high: 128, log: true}
                """);
        return space;
    }

    /** Every trial fails (the mlp refuses widths above 8,192 when it builds): the study ends, saying why. */
    @Test
    void aStudyWhoseTrialsAllFailStopsAfterMaxFailuresWithTheSentence() throws Exception {
        Path space = dir.resolve("broken.yaml");
        Files.writeString(space, "width: {type: int, low: 9000, high: 9999}\n");
        Path study = dir.resolve("broken");
        CliRunner.Result result = CliRunner.run("tune", "--model", "mlp", "--space", space.toString(), "--trials",
                "20", "--max-failures", "2", "--budget-epochs", "1", "--limit", "500", "--out", study.toString());
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.out()).contains("trial 0: FAILED").contains("trial 1: FAILED").doesNotContain("trial 2:");
        assertThat(result.err()).contains("study 'mlp-tune' stopped (--max-failures 2): 2 trials failed in a row; "
                + "the last, trial 1: ").contains("'width' = 9").contains("must be in 1..8192").doesNotContain("\tat ");
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(study.resolve("study.db"))) {
            assertThat(storage.trials("mlp-tune")).hasSize(2).allMatch(t -> t.state() == TrialState.FAILED);
        }
        assertThat(study.resolve("trial-001/train.log")).content().contains("trial 1 failed:")
                .contains("must be in 1..8192");

        CliRunner.Result report = CliRunner.run("tune", "report", study.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("2 trials (0 complete, 0 pruned, 2 failed)")
                .contains("It ends as 2 trials failed in a row; the last, trial 1: ");
        assertThat(study.resolve("report/report.html")).content().contains("The study ends as 2 trials failed in a row; the last, trial 1: ");
        assertThat(study.resolve("report/study.json")).content().contains("\"failure\" : \"");
    }

    @Test
    void trialsAreRunFoldersAndAStudyRunAgainGoesOnToTheNewCount() throws Exception {
        Path study = dir.resolve("study");
        String[] args = {"tune", "--model", "mlp", "--space", space().toString(), "--budget-epochs", "2",
                "--limit", "1000", "--pruner", "none", "--out", study.toString(), "--conf", "train.monitor=val_accuracy"};
        CliRunner.Result first = CliRunner.run(concat(args, "--trials", "2"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("Study 'mlp-tune': maximize of val_accuracy, 2 trials wanted, 0 in the storage")
                .contains("trial 0: COMPLETE val_accuracy").contains("trial 1: COMPLETE").contains("Best: trial")
                .contains("train it: fmnist train --model mlp --epochs 2 --set learning-rate=");

        CliRunner.Result second = CliRunner.run(concat(args, "--trials", "3"));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("3 trials wanted, 2 in the storage").contains("trial 2: COMPLETE")
                .doesNotContain("trial 0:");

        List<Trial> trials;
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(study.resolve("study.db"))) {
            trials = storage.trials("mlp-tune");
        }
        assertThat(trials).hasSize(3).allMatch(t -> t.state() == TrialState.COMPLETE);
        for (Trial trial : trials) {
            Path run = study.resolve(String.format("trial-%03d", trial.number()));
            RunSummary summary = Json.read(run.resolve("summary.json"), RunSummary.class);
            assertThat(summary.bestValidationAccuracy()).isEqualTo(trial.value().getAsDouble());
            assertThat(trial.intermediate()).containsOnlyKeys(1, 2);
            var manifest = ModelFile.manifest(run.resolve("best.zip"));
            assertThat(manifest.hyperparameters().get("width")).isEqualTo(trial.params().get("width").toString());
        }

        CliRunner.Result report = CliRunner.run("tune", "report", study.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("Study 'mlp-tune': 3 trials (3 complete, 0 pruned, 0 failed)")
                .contains("importance learning-rate").contains("Wrote " + study.resolve("report/report.html"));
        for (String file : List.of("report.html", "study.json", "history.png", "curves.png", "slices.png",
                "parallel.png", "importance.png")) {
            assertThat(study.resolve("report").resolve(file)).isNotEmptyFile();
        }

        Path full = dir.resolve("best-run");
        CliRunner.Result best = CliRunner.run("tune", "best", study.toString(), "--train", "--epochs", "1", "--out",
                full.toString());
        assertThat(best.exitCode()).as(best.err()).isZero();
        Trial winner = trials.stream().max(java.util.Comparator.comparingDouble(t -> t.value().getAsDouble()))
                .orElseThrow();
        assertThat(best.out()).contains("Best of study 'mlp-tune': trial " + winner.number())
                .contains("mlp: completed after 1 epochs");
        assertThat(ModelFile.manifest(full.resolve("best.zip")).hyperparameters().get("width"))
                .isEqualTo(winner.params().get("width").toString());
    }

    /** A study keeps its objective: one made to minimize val_loss (the default before 2026-12-07) says how to resume it. */
    @Test
    void aStudyResumedUnderAnotherMonitorIsRefusedWithTheFlagThatResumesIt() throws Exception {
        Path study = dir.resolve("loss-study");
        String[] withoutBudget = {"tune", "--model", "mlp", "--space", space().toString(), "--limit", "500", "--pruner",
                "none", "--out", study.toString()};
        String[] args = concat(withoutBudget, "--budget-epochs", "1");
        CliRunner.Result first = CliRunner.run(concat(args, "--trials", "1", "--conf", "train.monitor=val_loss"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("minimize of val_loss").contains("trial 0: COMPLETE val_loss")
                .contains("train it: fmnist train --model mlp --epochs 1 --conf train.monitor=val_loss --set ");

        CliRunner.Result resumed = CliRunner.run(concat(args, "--trials", "2"));
        assertThat(resumed.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(resumed.err().strip()).isEqualTo("fmnist: study 'mlp-tune' optimizes val_loss, not val_accuracy "
                + "(train.monitor): resume it with --conf train.monitor=val_loss, or name a new study with --study");

        CliRunner.Result asBefore = CliRunner.run(concat(args, "--trials", "2", "--conf", "train.monitor=val_loss"));
        assertThat(asBefore.exitCode()).as(asBefore.err()).isZero();
        assertThat(asBefore.out()).contains("2 trials wanted, 1 in the storage").contains("trial 1: COMPLETE val_loss");

        CliRunner.Result otherBudget = CliRunner.run(concat(withoutBudget, "--trials", "3", "--budget-epochs", "2"));
        assertThat(otherBudget.err()).as("a study that differs in more than its metric is another study")
                .contains("exists with other settings").doesNotContain("resume it with");

        Path full = dir.resolve("best-of-loss-study");
        CliRunner.Result best = CliRunner.run("tune", "best", study.toString(), "--train", "--out", full.toString());
        assertThat(best.exitCode()).as(best.err()).isZero();
        assertThat(best.out()).contains("--conf train.monitor=val_loss");
        assertThat(full.resolve("config.json")).content().containsPattern("\"monitor\"\\s*:\\s*\"val_loss\"");
    }

    @Test
    void aStudyNeedsItsOptionsOrASubcommand() {
        CliRunner.Result result = CliRunner.run("tune", "--model", "mlp");
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err().strip()).isEqualTo("fmnist: a study needs --model, --space and --trials (or a "
                + "subcommand: report, best)");
        CliRunner.Result noStudy = CliRunner.run("tune", "report", dir.toString());
        assertThat(noStudy.err().strip()).isEqualTo("fmnist: " + dir + " holds no study (no study.db); name its "
                + "storage with --storage");
    }

    @Test
    void aSpaceNamingNoHyperparameterOfTheModelIsRefusedBeforeAnyTrial() throws Exception {
        Path space = dir.resolve("bad.yaml");
        Files.writeString(space, "momentum: {type: float, low: 0.5, high: 0.99}\n");
        CliRunner.Result result = CliRunner.run("tune", "--model", "mlp", "--space", space.toString(), "--trials", "2",
                "--out", dir.resolve("s").toString());
        assertThat(result.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(result.err()).contains("--space " + space + ": model 'mlp' (built in) has no hyperparameter "
                + "'momentum'").doesNotContain("\tat ");
        assertThat(dir.resolve("s")).doesNotExist();
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
