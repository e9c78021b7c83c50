package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.keras.ChannelsLastForward;
import dev.fmnist.keras.KerasFixtures;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fmnist import keras} on Keras 2 files written by the build (KerasFixtures): the imported deeper CNN is served
 * and answers infer as Keras computes and classify as any run; an imported run is compared beside a trained one,
 * fine-tuned, evaluated and predicted with; every flag changes what it should.
 */
@Tag("dataset")
class KerasImportCommandTest {

    @TempDir
    static Path dir;

    static Path deep;
    static Path cnn;

    @BeforeAll
    static void importTwoModels() {
        deep = imported(KerasFixtures.deepCnn().write(dir.resolve("deeper_cnn.h5")), "--name", "shop-deep");
        cnn = imported(KerasFixtures.cnn().write(dir.resolve("basic cnn.h5")));
    }

    private static Path imported(Path file, String... extra) {
        Path run = dir.resolve("run-" + file.getFileName());
        List<String> args = new java.util.ArrayList<>(List.of("import", "keras", file.toString(), "--out",
                run.toString()));
        args.addAll(List.of(extra));
        CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return run;
    }

    @Test
    void theImportedDeeperCnnIsServedAndAnswersAsKerasComputes() throws Exception {
        LabelledImages test = RealDataset.get().dataset().testImages();
        List<byte[]> images = List.of(image(test, 0), image(test, 1), image(test, 2));
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(ModelSource.parse(deep.toString())), "test")) {
            float[][] answered = OipRest.probabilities(server.port(), "shop-deep", images);
            for (int i = 0; i < images.size(); i++) {
                float[] pixels = new float[784];
                for (int p = 0; p < 784; p++) {
                    pixels[p] = (images.get(i)[p] & 0xff) / 255f;
                }
                double[] expected = ChannelsLastForward.probabilities(KerasFixtures.deepCnn().layers(), pixels);
                for (int c = 0; c < 10; c++) {
                    assertThat((double) answered[i][c]).as("image %d class %d", i, c)
                            .isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-4));
                }
            }
            Path photo = png(test, 0);
            HttpResponse<String> classified = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v2/models/shop-deep/classify?top=2"))
                    .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofFile(photo)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(classified.statusCode()).as(classified.body()).isEqualTo(200);
            assertThat(classified.body()).contains("\"model_name\":\"shop-deep\"").contains("\"top\":[{\"label\":");
        }
    }

    @Test
    void anImportedRunIsComparedEvaluatedPredictedAndFineTunedAsAnyRun() throws Exception {
        Path mlp = dir.resolve("mlp");
        CliRunner.Result trained = CliRunner.run("train", "--model", "mlp", "--epochs", "1", "--limit", "1000",
                "--no-progress", "--out", mlp.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        CliRunner.Result compared = CliRunner.run("compare", mlp.toString(), cnn.toString(), "--out",
                dir.resolve("comparison").toString());
        assertThat(compared.exitCode()).as(compared.err()).isZero();
        assertThat(compared.out()).contains("| mlp |").contains("| basic-cnn |");

        CliRunner.Result evaluated = CliRunner.run("evaluate", deep.toString());
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("shop-deep on the test split (10,000 images)");

        LabelledImages test = RealDataset.get().dataset().testImages();
        CliRunner.Result predicted = CliRunner.run("predict", cnn.toString(), png(test, 1).toString());
        assertThat(predicted.exitCode()).as(predicted.err()).isZero();
        assertThat(predicted.out()).contains("item-1.png");
        // --raw: what docs/IMPORT.md compares with Keras's model.predict, every class unrounded
        CliRunner.Result raw = CliRunner.run("predict", cnn.toString(), png(test, 1).toString(), "--raw");
        assertThat(raw.exitCode()).as(raw.err()).isZero();
        List<String> lines = raw.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("image,T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,"
                + "Ankle boot");
        String[] cells = lines.get(1).split(",");
        assertThat(cells[0]).endsWith("item-1.png");
        float[] pixels = new float[784];
        for (int p = 0; p < 784; p++) {
            pixels[p] = test.pixel(1, p) / 255f;
        }
        double[] expected = ChannelsLastForward.probabilities(KerasFixtures.cnn().layers(), pixels);
        for (int c = 0; c < 10; c++) {
            assertThat(Double.parseDouble(cells[c + 1])).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-4));
        }

        Path tuned = dir.resolve("tuned");
        CliRunner.Result finetuned = CliRunner.run("finetune", cnn.toString(), "--epochs", "1", "--limit", "500",
                "--no-progress", "--out", tuned.toString());
        assertThat(finetuned.exitCode()).as(finetuned.err()).isZero();
        ModelManifest child = ModelFile.manifest(tuned.resolve("best.zip"));
        assertThat(child.parent().modelId()).isEqualTo("basic-cnn");
        assertThat(child.epoch()).isEqualTo(1);
    }

    @Test
    void anImportedFunctionalModelIndexesACatalogAndFindsSimilarItems() throws Exception {
        Path residual = imported(KerasFixtures.residual().write(dir.resolve("residual.h5")));
        assertThat(ModelFile.manifest(residual.resolve("best.zip")).networkKind())
                .isEqualTo(dev.fmnist.runtime.model.Network.Kind.GRAPH);
        Path catalog = dir.resolve("catalog");
        ok(CliRunner.run("data", "export", "--set", "test", "--folder", catalog.toString(), "--per-class", "5"));
        Path index = dir.resolve("index");
        ok(CliRunner.run("index", residual.toString(), "--data", "folder:" + catalog, "--set", "all", "--out",
                index.toString()));
        String trouser;
        try (var files = Files.list(catalog.resolve("Trouser"))) {
            trouser = files.map(p -> p.getFileName().toString()).sorted().findFirst().orElseThrow();
        }
        CliRunner.Result similar = ok(CliRunner.run("similar", index.toString(),
                catalog.resolve("Trouser").resolve(trouser).toString(), "-k", "3"));
        assertThat(similar.out()).containsPattern("\\n +1\\. Trouser/" + trouser.replace(".", "\\.")
                + " +Trouser +1\\.000");
    }

    private static CliRunner.Result ok(CliRunner.Result result) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }

    @Test
    void theFlagsSayHowPixelsAndClassesAreRead() {
        ModelManifest scaled = ModelFile.manifest(imported(KerasFixtures.dense().write(dir.resolve("raw.h5")),
                "--scale", "1").resolve("best.zip"));
        assertThat(scaled.normalization().apply(255)).isCloseTo(255f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(scaled.modelId()).isEqualTo("raw");
        assertThat(scaled.inputLayout()).isEqualTo(dev.fmnist.api.InputLayout.FLAT);

        ModelManifest normalized = ModelFile.manifest(imported(KerasFixtures.dense().write(dir.resolve("norm.h5")),
                "--normalize", "0.286,0.353").resolve("best.zip"));
        assertThat(normalized.normalization()).isEqualTo(new Normalization(Normalization.Kind.STANDARDIZE, 0.286,
                0.353));

        List<String> names = List.of("top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
                "bag", "boot");
        ModelManifest named = ModelFile.manifest(imported(KerasFixtures.dense().write(dir.resolve("named.h5")),
                "--classes", String.join(",", names)).resolve("best.zip"));
        assertThat(named.classNames()).containsExactlyElementsOf(names);
        assertThat(ModelFile.manifest(cnn.resolve("best.zip")).normalization()).isEqualTo(Normalization.scale());
    }

    @Test
    void refusalsAreSentencesWithoutAStackTrace() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.h5"), "not a model");
        CliRunner.Result notHdf5 = CliRunner.run("import", "keras", text.toString(), "--out",
                dir.resolve("x").toString());
        assertThat(notHdf5.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(notHdf5.err()).contains(text + " is not an HDF5 file").doesNotContain("\tat ");

        Path file = KerasFixtures.dense().write(dir.resolve("five.h5"));
        CliRunner.Result five = CliRunner.run("import", "keras", file.toString(), "--classes", "a,b,c,d,e",
                "--out", dir.resolve("five").toString());
        assertThat(five.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(five.err()).contains("has 10 units but there are 5 classes");

        // no validation images are known for a model trained elsewhere
        CliRunner.Result validation = CliRunner.run("evaluate", cnn.toString(), "--split", "val");
        assertThat(validation.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(validation.err()).contains("was imported from basic cnn.h5, trained elsewhere: which images it "
                + "learned from is unknown");
        CliRunner.Result calibrate = CliRunner.run("calibrate", cnn.toString());
        assertThat(calibrate.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(calibrate.err()).contains("was imported from basic cnn.h5, trained elsewhere");

        CliRunner.Result twice = CliRunner.run("import", "keras", file.toString(), "--classes",
                "a,b,c,d,e,f,g,h,i,a", "--out", dir.resolve("twice").toString());
        assertThat(twice.err()).contains("every class needs a name of its own (none empty, none twice)");
        assertThat(dir.resolve("twice")).doesNotExist();

        CliRunner.Result badScale = CliRunner.run("import", "keras", file.toString(), "--scale", "a/b", "--out",
                dir.resolve("y").toString());
        assertThat(badScale.err()).contains("--scale 'a/b' is not a number such as 0.5 or a fraction such as 1/255");
        CliRunner.Result badName = CliRunner.run("import", "keras", file.toString(), "--name", "../up", "--out",
                dir.resolve("z").toString());
        assertThat(badName.err()).contains("--name '../up' must be letters, digits");
        CliRunner.Result both = CliRunner.run("import", "keras", file.toString(), "--scale", "1", "--normalize",
                "0.2,0.3");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    private static byte[] image(LabelledImages images, int index) {
        byte[] pixels = new byte[784];
        for (int p = 0; p < 784; p++) {
            pixels[p] = (byte) images.pixel(index, p);
        }
        return pixels;
    }

    private static Path png(LabelledImages images, int index) throws Exception {
        BufferedImage item = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        item.getRaster().setDataElements(0, 0, 28, 28, image(images, index));
        Path file = dir.resolve("item-" + index + ".png");
        ImageIO.write(item, "png", file.toFile());
        return file;
    }
}
