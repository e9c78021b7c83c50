package dev.fmnist.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.data.RealDataset;
import dev.fmnist.eval.report.LayerSummary;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.model.ModelFileException;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.run.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

@Tag("dataset")
class EvaluatorTest {

    @TempDir
    Path out;

    private final Evaluator evaluator = new Evaluator(RealDataset.get(), PluginClasses.platform());

    @Test
    void writesMetricsPicturesAndAWellFormedSelfContainedReport() throws Exception {
        EvaluationReport report = evaluator.evaluate(TinyRun.get(), Evaluator.Split.TEST, out);

        assertThat(report.metrics().images()).isEqualTo(10_000);
        assertThat(report.metrics().accuracy()).as("three epochs on 3,000 images").isGreaterThan(0.7);
        assertThat(report.metrics().confusion()).hasDimensions(10, 10);
        assertThat(report.architecture().total()).isEqualTo(109_386);
        assertThat(report.architecture().layers()).extracting(LayerSummary::type)
                .containsExactly("DenseLayer", "DenseLayer", "OutputLayer");
        assertThat(report.architecture().layers()).extracting(LayerSummary::outputShape)
                .containsExactly("(-1, 128)", "(-1, 64)", "(-1, 10)");

        EvaluationReport read = Json.read(out.resolve("metrics.json"), EvaluationReport.class);
        assertThat(read.metrics().accuracy()).isEqualTo(report.metrics().accuracy());
        assertThat(read.metrics().perClass()).hasSize(10);

        assertPicture(out.resolve("confusion.png"), 860, 760);
        assertPicture(out.resolve("curves.png"), 1240, 440);
        assertPicture(out.resolve("reliability.png"), 620, 440);
        assertPicture(out.resolve("risk-coverage.png"), 620, 440);
        assertPicture(out.resolve("samples.png"), 10 * 150 + 10, 32 + 4 * (84 + 34 + 10));
        assertPicture(out.resolve("mistakes.png"), 10 * 150 + 10, 32 + 4 * (84 + 34 + 10));
        assertPicture(out.resolve("mistakes-explained.png"), 10 * 150 + 10, 32 + (84 + 34 + 10));

        String html = Files.readString(out.resolve("report.html"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document document = factory.newDocumentBuilder().parse(out.resolve("report.html").toFile());
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("html");
        for (String section : List.of("summary", "per-class", "confusion", "confused-pairs", "curves", "calibration",
                "selective", "samples", "mistakes", "architecture")) {
            assertThat(html).contains("id=\"" + section + "\"");
        }
        Matcher images = Pattern.compile("src=\"data:image/png;base64,[A-Za-z0-9+/=]{1000,}\"").matcher(html);
        assertThat(images.results().count()).as("embedded pictures").isEqualTo(7);
        assertThat(html).as("nothing fetched from the network").doesNotContainPattern("(src|href)=\"https?:");
    }

    @Test
    void aGraphNetworkIsEvaluatedWithEachVertexAndWhatItIsConnectedTo() throws IOException {
        EvaluationReport report = evaluator.evaluate(TestModels.residual(), Evaluator.Split.TEST, out);

        assertThat(report.metrics().accuracy()).as("one epoch on 2,000 images").isGreaterThan(0.6);
        assertThat(report.architecture().layers()).extracting(LayerSummary::name)
                .containsExactly("stem", "pool", "block-a", "block-b", "skip", "dense", "output");
        LayerSummary skip = report.architecture().layers().get(4);
        assertThat(skip.type()).isEqualTo("ElementWiseVertex");
        assertThat(skip.inputs()).containsExactly("pool", "block-b");
        assertThat(skip.outputShape()).isEqualTo("(-1, 8, 13, 13)");
        assertThat(report.architecture().total()).isEqualTo(report.parameters());
        assertThat(report.architecture().text()).contains("connected to").contains("pool, block-b");
        assertThat(Files.readString(out.resolve("report.html"))).contains("ElementWiseVertex");
    }

    @Test
    void theValidationSplitOfTheRunsOwnSeedFractionAndLimit() {
        // trained on 3,000 images: its own 333 validation images, not the 6,000 of an unlimited run
        EvaluationReport report = evaluator.evaluate(TinyRun.get(), Evaluator.Split.VAL, out);
        assertThat(report.metrics().split()).isEqualTo("val");
        assertThat(report.metrics().images()).isEqualTo(333);
        assertThat(report.selective().targets()).isEmpty();
        assertThat(report.selective().reason()).contains("evaluate the test split");
    }

    @Test
    void aMissingOrEmptyRunFolderIsAClearError() throws IOException {
        assertThatThrownBy(() -> evaluator.evaluate(out.resolve("nope"), Evaluator.Split.TEST, out))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("no run folder at " + out.resolve("nope"));
        Path empty = Files.createDirectories(out.resolve("empty"));
        assertThatThrownBy(() -> evaluator.evaluate(empty, Evaluator.Split.TEST, out))
                .hasMessageStartingWith(empty + " holds no best.zip or last.zip");
    }

    @Test
    void compareWritesTheTableInThreeFormats() throws IOException {
        // a flip-averaged evaluation in the run's eval/ is not taken for the plain figure
        evaluator.evaluate(TinyRun.get(), Evaluator.Split.TEST, TinyRun.get().resolve("eval"), true);
        List<Comparison.Row> rows = new Comparison(evaluator).compare(List.of(TinyRun.get()), out.resolve("cmp"));
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.model()).isEqualTo("mlp");
            assertThat(row.parameters()).isEqualTo(109_386);
            assertThat(row.epochs()).isEqualTo(3);
            assertThat(row.testAccuracy()).isGreaterThan(0.7);
            // the mirror images are other inputs: close to the plain accuracy, not the same figure
            assertThat(row.flipAveragedAccuracy()).isGreaterThan(0.6).isNotEqualTo(row.testAccuracy());
            assertThat(row.cpu()).isEqualTo(dev.fmnist.runtime.nativecpu.CpuInfo.read().describe());
        });
        assertThat(Files.readString(out.resolve("cmp/comparison.md"))).startsWith("| model | parameters |")
                .contains("| mlp | 109,386 | 3 (best ").contains(" processors | " + java.time.LocalDate.now(
                        java.time.ZoneOffset.UTC) + " | ");
        assertThat(Json.read(out.resolve("cmp/comparison.json"), Comparison.Row[].class)).hasSize(1);
        assertThat(Files.readString(out.resolve("cmp/comparison.html"))).contains("id=\"validation-curves\"");
        assertPicture(out.resolve("cmp/per-class-f1.png"), 1100, 500);
    }

    /** Decodes, has the expected size, and is not blank: many distinct colours. */
    static void assertPicture(Path file, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).as(file.toString()).isNotNull();
        assertThat(image.getWidth()).as(file + " width").isEqualTo(width);
        assertThat(image.getHeight()).as(file + " height").isEqualTo(height);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < height; y += 3) {
            for (int x = 0; x < width; x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as(file + " distinct colours").isGreaterThan(8);
    }
}
