package dev.fmnist.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.image.encode.Normalization;
import dev.fmnist.runtime.model.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path folder;

    private RunDirectory run(boolean restoreBest, boolean best, boolean last) throws IOException {
        RunDirectory run = new RunDirectory(folder.resolve("run-" + restoreBest + best + last)).create();
        Json.write(run.config(), new RunConfig("mlp", Map.of(), 64, 42, 5, 2, "val_loss", 0, restoreBest, 100, 10,
                0.1, Normalization.scale(), "test", "0.1.0", "2026-01-01T00:00:00Z", "none"));
        if (best) {
            Files.writeString(run.bestModel(), "best");
        }
        if (last) {
            Files.writeString(run.lastModel(), "last");
        }
        return run;
    }

    @Test
    void restoreBestChoosesWhichEpochIsTheRunsModel() throws IOException {
        assertThat(run(true, true, true).model().getFileName()).hasToString("best.zip");
        assertThat(run(false, true, true).model().getFileName()).as("train.restore-best=false").hasToString("last.zip");
        assertThat(run(false, true, false).model().getFileName()).as("the other stands in").hasToString("best.zip");
        assertThat(RunDirectory.modelOf(run(true, true, true).bestModel())).as("a model file is itself")
                .isEqualTo(run(true, true, true).bestModel());
    }

    @Test
    void aFolderWithoutAModelSaysWhy() throws IOException {
        RunDirectory empty = run(true, false, false);
        assertThat(empty.hasModel()).isFalse();
        assertThatThrownBy(empty::model).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(empty.path() + " holds no best.zip or last.zip");
        assertThatThrownBy(() -> new RunDirectory(folder.resolve("nope")).model())
                .hasMessage("no run folder at " + folder.resolve("nope"));
    }
}
