package dev.fmnist.tune.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.space.Distribution;
import dev.fmnist.tune.space.Distribution.Categorical;
import dev.fmnist.tune.space.Distribution.FloatRange;
import dev.fmnist.tune.space.Distribution.IntRange;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.StudyRecord;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyReportTest {

    @TempDir
    Path dir;

    private static SearchSpace space() {
        Map<String, Distribution> parameters = new LinkedHashMap<>();
        parameters.put("lr", new FloatRange(1e-4, 1e-1, true));
        parameters.put("width", new IntRange(16, 128, false));
        parameters.put("augment", new Categorical(List.of("none", "flip")));
        return new SearchSpace(parameters);
    }

    /** Accuracy driven by the learning rate alone; width and augment are noise. */
    private static List<Trial> trials() {
        Random random = new Random(1);
        List<Trial> trials = new ArrayList<>();
        for (int n = 0; n < 30; n++) {
            double lr = Math.pow(10, -4 + 3 * random.nextDouble());
            Map<String, Object> params = Map.of("lr", lr, "width", 16L + random.nextInt(113),
                    "augment", random.nextBoolean() ? "flip" : "none");
            double accuracy = 0.9 - 0.05 * Math.pow(Math.log10(lr) + 2.5, 2) + 0.002 * random.nextGaussian();
            TreeMap<Integer, Double> curve = new TreeMap<>(Map.of(1, accuracy - 0.05, 2, accuracy));
            TrialState state = n % 7 == 3 ? TrialState.PRUNED : TrialState.COMPLETE;
            trials.add(new Trial(n, params, state, OptionalDouble.of(accuracy), curve));
        }
        return trials;
    }

    /** A study stopped by failing trials has no complete trial: the report still draws, and says why. */
    @Test
    void aStudyWhoseTrialsAllFailedGetsAReportThatSaysWhy() throws Exception {
        List<Trial> trials = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            trials.add(new Trial(n, Map.of("lr", 0.01, "width", 16L, "augment", "none"), TrialState.FAILED,
                    OptionalDouble.empty(), new TreeMap<>(), "hyperparameter 'width' = 9000 must be in 1..8192"));
        }
        StudyRecord record = new StudyRecord("broken", Direction.MAXIMIZE, "val_accuracy", "test");
        StudyReport.Summary summary = StudyReport.write(record, space(), trials, "", dir);
        assertThat(summary.failed()).isEqualTo(3);
        assertThat(summary.failedInARow()).extracting(Trial::number).containsExactly(2, 1, 0);
        assertThat(dir.resolve("report.html")).content().contains("The study ends as 3 trials failed in a row; the last, trial 2: ")
                .contains("must be in 1..8192");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("study.json").toFile());
        assertThat(json.get("failed_in_a_row").asInt()).isEqualTo(3);
        assertThat(json.get("all").get(0).get("failure").asText()).contains("'width' = 9000");
    }

    @Test
    void theParameterThatDrivesTheObjectiveIsTheMostImportant() {
        List<Trial> complete = trials().stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        Map<String, Double> importance = Importance.of(space(), complete);
        assertThat(importance.keySet()).first().isEqualTo("lr");
        assertThat(importance.get("lr")).isGreaterThan(0.6);
        assertThat(importance.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void writesJsonPicturesAndOneSelfContainedPage() throws Exception {
        StudyRecord record = new StudyRecord("s", Direction.MAXIMIZE, "val_accuracy", "model: mlp");
        StudyReport.Summary summary = StudyReport.write(record, space(), trials(), "fmnist train --model mlp", dir);
        assertThat(summary.complete()).isEqualTo(26);
        assertThat(summary.pruned()).isEqualTo(4); // trials 3, 10, 17 and 24
        JsonNode json = new ObjectMapper().readTree(dir.resolve("study.json").toFile());
        assertThat(json.get("all")).hasSize(30);
        assertThat(json.get("best").get("value").asDouble()).isEqualTo(summary.best().orElseThrow().value().getAsDouble());
        assertThat(json.get("importance").fieldNames().next()).isEqualTo("lr");
        for (String png : List.of("history.png", "curves.png", "slices.png", "parallel.png", "importance.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertThat(image.getWidth()).as(png).isGreaterThan(300);
        }
        String html = java.nio.file.Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("Best: trial " + summary.best().orElseThrow().number())
                .contains("fmnist train --model mlp").contains("data:image/png;base64,").doesNotContain("src=\"history.png");
    }
}
