package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.search.CatalogIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fmnist index} and {@code fmnist similar} over a real image folder and a real trained cnn. */
@Tag("dataset")
class SimilarCommandsTest {

    @TempDir
    static Path dir;

    static Path catalog;

    static Path run;

    static Path index;

    @BeforeAll
    static void trainAndIndex() {
        catalog = dir.resolve("catalog");
        run("data", "export", "--set", "test", "--folder", catalog.toString(), "--per-class", "60");
        run = dir.resolve("runs/cnn");
        run("train", "--model", "mlp", "--limit", "3000", "--epochs", "2", "--out", run.toString());
        index = dir.resolve("index");
        CliRunner.Result result = run("index", run.toString(), "--data", "folder:" + catalog, "--set", "all",
                "--search", "hnsw", "--out", index.toString());
        assertThat(result.out()).contains("Indexed 600 all images of image folder " + catalog)
                .contains("exact and HNSW m=16 ef=50");
    }

    private static String firstFile(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().findFirst().orElseThrow();
        }
    }

    private static CliRunner.Result run(String... args) {
        CliRunner.Result result = CliRunner.run(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + ": " + result.err()).isZero();
        return result;
    }

    @Test
    void theIndexRecordsItsItemsByFileAndItsModel() {
        CatalogIndex loaded = CatalogIndex.load(index);
        assertThat(loaded.size()).isEqualTo(600);
        assertThat(loaded.position("Trouser/00002.png")).isPresent();
        assertThat(loaded.item(loaded.position("Trouser/00002.png").orElseThrow()).label()).isEqualTo("Trouser");
        assertThat(loaded.manifest().modelFile()).isEqualTo(run.resolve("best.zip").toString());
        assertThat(loaded.hasApproximate()).isTrue();
    }

    @Test
    void anImageFileFindsItselfFirstAndItsClassAround() throws IOException {
        Path trouser = catalog.resolve("Trouser/00002.png");
        CliRunner.Result result = run("similar", index.toString(), trouser.toString(), "-k", "5");
        assertThat(result.out()).startsWith(trouser + ":")
                .containsPattern("\\n +1\\. Trouser/00002\\.png +Trouser +1\\.000")
                .containsPattern("\\n +5\\. \\S+ +\\S+ +0\\.\\d{3}");
        String bag = "Bag/" + firstFile(catalog.resolve("Bag"));
        CliRunner.Result byItem = run("similar", index.toString(), "--item", bag, "--exact", "-k", "3");
        assertThat(byItem.out()).contains("item " + bag + ":").containsPattern("1\\. " + bag + " +Bag +1\\.000");
    }

    @Test
    void theBenchmarkMeasuresQualityAndLatencyOfBothSearches() {
        Path json = dir.resolve("similar.json");
        CliRunner.Result result = run("bench", "similar", run.toString(), "--data", "folder:" + catalog, "--queries",
                "50", "--threads", "4", "--ef-construction", "50", "--json", json.toString());
        assertThat(result.out()).contains("480 catalog items").contains("50 queries")
                .containsPattern("precision@10: exact 0\\.\\d{4}, HNSW 0\\.\\d{4}; HNSW recall@10 against exact: "
                        + "[01]\\.\\d{4}")
                .containsPattern("hnsw +4 +[0-9.]+ +[0-9.]+ +[0-9,]+");
        assertThat(json).exists();
    }

    @Test
    void badQueriesAndAnotherModelAreRefusedWithASentence() throws IOException {
        Path notImage = Files.writeString(dir.resolve("notes.png"), "hello");
        CliRunner.Result bad = CliRunner.run("similar", index.toString(), notImage.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("notes.png").doesNotContain("Exception");

        CliRunner.Result unknown = CliRunner.run("similar", index.toString(), "--item", "Hats/1.png");
        assertThat(unknown.err()).contains("the index " + index + " holds no item 'Hats/1.png'");

        Path other = dir.resolve("runs/other");
        run("train", "--model", "mlp", "--limit", "1000", "--epochs", "1", "--out", other.toString());
        CliRunner.Result wrong = CliRunner.run("similar", index.toString(),
                catalog.resolve("Trouser/00002.png").toString(), "--model", other.toString());
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.err()).contains("is not the model the index " + index + " was built with")
                .doesNotContain("Exception");

        CliRunner.Result none = CliRunner.run("similar", dir.resolve("nothing").toString(), "--item", "x");
        assertThat(none.err()).contains("no index at " + dir.resolve("nothing"));
    }
}
