package dev.fmnist.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTableTest {

    @TempDir
    Path dir;

    private static Comparison.Row row(String run, String model, double accuracy, double seconds) {
        return new Comparison.Row(run, model, 1000, 12, 9, seconds, 500, accuracy, accuracy + 0.002, 0.9, "Shirt",
                0.7, 0.02, "AMD EPYC, family 25 model 17, AVX-512, 2 processors", "2026-12-07");
    }

    @Test
    void aModelsNewRowReplacesItsOldOneInPlaceAndNewModelsComeLast() {
        Path file = dir.resolve("results/headline.json");
        ResultsTable.update(file, List.of(row("mlp-a", "mlp", 0.89, 55), row("cnn-a", "cnn", 0.91, 412)));
        List<Comparison.Row> table = ResultsTable.update(file, List.of(row("resnet-b", "resnet", 0.94, 7874),
                row("mlp-b", "mlp", 0.895, 60)));
        assertThat(table).extracting(Comparison.Row::run).containsExactly("mlp-b", "cnn-a", "resnet-b");
        assertThat(ResultsTable.read(file)).isEqualTo(table);
    }

    @Test
    void twoRunsOfOneModelAreRefusedAndTheFileIsLeftAsItWas() throws Exception {
        Path file = dir.resolve("headline.json");
        ResultsTable.update(file, List.of(row("mlp-a", "mlp", 0.89, 55)));
        String before = Files.readString(file);
        assertThatThrownBy(() -> ResultsTable.update(file, List.of(row("cnn-a", "cnn", 0.91, 412),
                row("cnn-b", "cnn", 0.92, 412)))).isInstanceOf(EvaluationException.class)
                .hasMessageContaining("two of the runs compared are of the same model");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void theMarkdownSaysEpochsAndWallTimeTheWayPeopleReadThem() {
        String md = Comparison.markdown(List.of(row("resnet-b", "resnet", 0.9439, 7874), row("mlp", "mlp", 0.89, 55),
                row("cnn", "cnn", 0.91, 443)));
        assertThat(md).contains("| resnet | 1,000 | 12 (best 9) | 2 h 11 min | 500 | AMD EPYC, family 25 model 17, "
                        + "AVX-512, 2 processors | 2026-12-07 | 94.39% | 94.59% |")
                .contains("| 55 s |").contains("| 7 min 23 s |");
    }

    @Test
    void aFileThatIsNotATableIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("x.json"), "{\"rows\": 3}");
        assertThatThrownBy(() -> ResultsTable.read(file)).isInstanceOf(EvaluationException.class)
                .hasMessageStartingWith(file + " is not a results table");
    }
}
