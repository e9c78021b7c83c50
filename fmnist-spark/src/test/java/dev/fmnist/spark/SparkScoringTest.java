package dev.fmnist.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.data.folder.ImageFolderSource;
import dev.fmnist.data.image.ImageFolderExport;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.predict.ClassProbability;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.CatalogIndexer;
import dev.fmnist.spark.job.FmnistSparkJob;
import dev.fmnist.spark.score.ScoredSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The job in Spark's local mode inside the test JVM, on a real folder of Fashion-MNIST PNGs exported by the
 * platform (2,000 test images, 200 per class) with two damaged files among them, scored by a cnn trained on the
 * real dataset.
 */
class SparkScoringTest {

    private static final int PER_CLASS = 200;
    private static final double THRESHOLD = 0.9;

    @TempDir
    static Path temp;

    private static SparkSession spark;
    private static Path catalog;
    private static Path model;
    private static int images;

    @BeforeAll
    static void start() throws IOException {
        LabelledImages test = RealDataset.get().dataset().testImages();
        catalog = temp.resolve("catalog");
        images = ImageFolderExport.write(test, catalog, PER_CLASS, null);
        Files.write(catalog.resolve("Bag/broken.png"), "not a picture at all".getBytes());
        byte[] png = Files.readAllBytes(firstPng(catalog.resolve("Coat")));
        Files.write(catalog.resolve("Coat/truncated.png"), java.util.Arrays.copyOf(png, 40));
        Files.writeString(catalog.resolve("notes.txt"), "the glob leaves this out");
        // the cnn with an acceptance threshold, so the accepted column is filled
        model = temp.resolve("models").resolve("cnn");
        Files.createDirectories(model);
        Files.copy(TestModels.cnn().resolve("best.zip"), model.resolve("best.zip"));
        ModelFile.replaceManifest(model.resolve("best.zip"), ModelFile.manifest(model.resolve("best.zip"))
                .withAcceptance(new Acceptance(0.99, THRESHOLD, 1, new Acceptance.Accepted(6000, 3000, 2975))));
        spark = SparkSession.builder().master("local[2]").appName("fmnist-spark test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void scoresEveryImageAsTheOfflinePredictorDoesAndKeepsBadFilesAsErrorRows() throws IOException {
        Path out = temp.resolve("scored");
        Run run = job("score", "--model", model.toString(), "--input", catalog.toString(), "--output", out.toString(),
                "--top-k", "3", "--batch-size", "100");
        assertThat(run.exitCode()).as(run.err()).isZero();

        Dataset<Row> scored = spark.read().parquet(out.toString());
        assertThat(scored.count()).isEqualTo(images + 2);
        assertThat(scored.select(ScoredSchema.ID).distinct().count()).isEqualTo(images + 2);
        Map<String, Row> byId = new HashMap<>();
        for (Row row : scored.collectAsList()) {
            byId.put(row.getAs(ScoredSchema.ID), row);
        }

        Row broken = byId.get("Bag/broken.png");
        assertThat(broken.<String>getAs(ScoredSchema.ERROR)).contains("broken.png");
        assertThat(broken.<String>getAs(ScoredSchema.LABEL)).isNull();
        assertThat(byId.get("Coat/truncated.png").<String>getAs(ScoredSchema.ERROR)).isNotBlank();
        assertThat(byId).doesNotContainKey("notes.txt");

        Predictor offline = Predictor.load(model);
        ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS);
        List<String> ids = new ArrayList<>();
        List<byte[]> pixels = new ArrayList<>();
        try (Stream<Path> files = Files.walk(catalog)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
                String id = catalog.relativize(file).toString();
                if (!id.contains("broken") && !id.contains("truncated")) {
                    ids.add(id);
                    pixels.add(preprocessor.pixels(Files.readAllBytes(file), id));
                }
            }
        }
        assertThat(ids).hasSize(images);
        List<Prediction> expected = offline.predict(pixels, 3);
        int agreeWithLabels = 0;
        int accepted = 0;
        for (int i = 0; i < ids.size(); i++) {
            Row row = byId.get(ids.get(i));
            assertThat(row).as(ids.get(i)).isNotNull();
            assertThat(row.<String>getAs(ScoredSchema.ERROR)).isNull();
            assertThat(row.<String>getAs(ScoredSchema.PATH)).endsWith(ids.get(i));
            assertThat(row.getList(row.fieldIndex(ScoredSchema.TOP_LABELS)))
                    .containsExactlyElementsOf(expected.get(i).top().stream().map(ClassProbability::label).toList());
            List<Double> probabilities = row.getList(row.fieldIndex(ScoredSchema.TOP_PROBABILITIES));
            for (int k = 0; k < 3; k++) {
                assertThat(probabilities.get(k)).isCloseTo(expected.get(i).top().get(k).probability(), within(1e-5));
            }
            assertThat(row.<Boolean>getAs(ScoredSchema.ACCEPTED)).as(ids.get(i))
                    .isEqualTo(expected.get(i).best().probability() >= THRESHOLD);
            accepted += row.<Boolean>getAs(ScoredSchema.ACCEPTED) ? 1 : 0;
            assertThat(row.<String>getAs(ScoredSchema.MODEL)).isEqualTo("cnn");
            assertThat(row.<String>getAs(ScoredSchema.MODEL_VERSION)).isEqualTo("cnn");
            if (ids.get(i).startsWith(ImageFolderExport.folderName(row.getAs(ScoredSchema.LABEL)) + "/")) {
                agreeWithLabels++;
            }
        }
        // a cnn trained for one epoch on 2,000 images: far better than chance, so the rows are the right images'
        assertThat(agreeWithLabels).isGreaterThan(images * 6 / 10);
        assertThat(accepted).as("answers accepted at %s", THRESHOLD).isBetween(1, images - 1);
        assertThat(broken.<Boolean>getAs(ScoredSchema.ACCEPTED)).isNull();
        assertThat(run.out()).contains("2,002 images scored, 2 of them unreadable");

        // run again on the same path: replaced, not appended to
        assertThat(job("score", "--model", model.toString(), "--input", catalog.toString(), "--output",
                out.toString()).exitCode()).isZero();
        assertThat(spark.read().parquet(out.toString()).count()).isEqualTo(images + 2);
    }

    @Test
    void scoresWithAnImportedKerasModelAsWithATrainedOne() throws IOException {
        Path keras = dev.fmnist.keras.KerasFixtures.cnn().write(temp.resolve("shop-cnn.h5"));
        Path imported = temp.resolve("models").resolve("shop-cnn");
        dev.fmnist.keras.KerasImport.importFile(keras, new dev.fmnist.keras.KerasImport.Options("shop-cnn",
                dev.fmnist.image.encode.Normalization.scale(), dev.fmnist.data.FashionClass.displayNames()), imported);
        Path out = temp.resolve("scored-keras");
        Run run = job("score", "--model", imported.toString(), "--input", catalog.toString(), "--output",
                out.toString(), "--top-k", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();

        Predictor offline = Predictor.load(imported);
        Path file = firstPng(catalog.resolve("Sneaker"));
        String id = catalog.relativize(file).toString();
        Prediction expected = offline.predict(List.of(new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS)
                .pixels(Files.readAllBytes(file), id)), 1).get(0);
        Row row = spark.read().parquet(out.toString()).where(functions.col(ScoredSchema.ID).equalTo(id)).first();
        assertThat(row.<String>getAs(ScoredSchema.MODEL)).isEqualTo("shop-cnn");
        assertThat(row.getList(row.fieldIndex(ScoredSchema.TOP_LABELS))).containsExactly(expected.best().label());
        assertThat(row.<Double>getList(row.fieldIndex(ScoredSchema.TOP_PROBABILITIES)).get(0))
                .isCloseTo(expected.best().probability(), within(1e-5));
    }

    @Test
    void indexHoldsTheEmbeddingsOfTheIndexBuiltOnOneMachine() {
        Path out = temp.resolve("embedded");
        Path index = temp.resolve("index");
        Run run = job("index", "--model", model.toString(), "--input", catalog.toString(), "--output", out.toString(),
                "--index", index.toString(), "--partitions", "3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        CatalogIndex distributed = CatalogIndex.load(index);
        assertThat(distributed.size()).isEqualTo(images);

        ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS);
        ImageFolderSource folder = new ImageFolderSource(catalog, 7, 0.1, preprocessor);
        Path modelFile = RunDirectory.modelOf(model);
        CatalogIndex single = CatalogIndexer.index(Predictor.load(model), modelFile, folder.trainingImages(),
                folder.trainingIds(), "folder", null);
        assertThat(distributed.manifest().modelSha256()).isEqualTo(single.manifest().modelSha256());
        assertThat(single.size()).isGreaterThan(images * 8 / 10);
        for (int i = 0; i < single.size(); i++) {
            String id = single.item(i).id();
            int position = distributed.position(id).orElseThrow(() -> new AssertionError(id + " not indexed"));
            float[] expected = single.embedding(i);
            float[] actual = distributed.embedding(position);
            assertThat(actual).hasSameSizeAs(expected);
            for (int d = 0; d < expected.length; d++) {
                assertThat(actual[d]).as(id).isCloseTo(expected[d], within(1e-5f));
            }
            assertThat(distributed.pixels(position)).isEqualTo(single.pixels(i));
        }
    }

    @Test
    void scoresAParquetTableOfImageBytesWithIds() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(catalog.resolve("Sandal"))) {
            int n = 0;
            for (Path file : files.sorted().limit(50).toList()) {
                rows.add(RowFactory.create((long) n++, Files.readAllBytes(file)));
            }
        }
        rows.add(RowFactory.create(999L, null));
        Path table = temp.resolve("table");
        spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("sku", DataTypes.LongType, false),
                DataTypes.createStructField("image", DataTypes.BinaryType, true))))
                .write().parquet(table.toString());
        Path out = temp.resolve("table-scored");
        Run run = job("score", "--model", model.toString(), "--format", "parquet", "--input", table.toString(),
                "--id-column", "sku", "--content-column", "image", "--output", out.toString(), "--embeddings");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Dataset<Row> scored = spark.read().parquet(out.toString());
        assertThat(scored.count()).isEqualTo(51);
        Row missing = scored.where("id = '999'").first();
        assertThat(missing.<String>getAs(ScoredSchema.ERROR)).isEqualTo("no image bytes");
        Row first = scored.where("id = '0'").first();
        assertThat(first.<String>getAs(ScoredSchema.PATH)).isNull();
        List<Float> embedding = first.getList(first.fieldIndex(ScoredSchema.EMBEDDING));
        double norm = embedding.stream().mapToDouble(v -> v * v).sum();
        assertThat(norm).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void aMissingModelOrInputOrColumnIsOneLineNotAStackTrace() throws IOException {
        Path table = temp.resolve("one-row");
        spark.createDataFrame(List.of(RowFactory.create("a", new byte[] {1})), DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("content", DataTypes.BinaryType, true))))
                .write().mode("overwrite").parquet(table.toString());
        Run noModel = job("score", "--model", temp.resolve("nowhere").toString(), "--input", catalog.toString(),
                "--output", temp.resolve("x").toString());
        assertThat(noModel.exitCode()).isEqualTo(1);
        assertThat(noModel.err()).isEqualTo("fmnist-spark: no run folder or model file at " + temp.resolve("nowhere")
                + System.lineSeparator());

        Path damaged = temp.resolve("damaged.zip");
        Files.write(damaged, new byte[] {'P', 'K', 3, 4, 0, 0});
        Run damagedModel = job("score", "--model", damaged.toString(), "--input", catalog.toString(), "--output",
                temp.resolve("w").toString());
        assertThat(damagedModel.exitCode()).isEqualTo(1);
        assertThat(damagedModel.err()).startsWith("fmnist-spark: ").contains("damaged.zip").hasLineCount(1);

        Run noInput = job("score", "--model", model.toString(), "--input", temp.resolve("no-catalog").toString(),
                "--output", temp.resolve("y").toString());
        assertThat(noInput.exitCode()).isEqualTo(1);
        assertThat(noInput.err()).contains("no-catalog").doesNotContain("\tat ").hasLineCount(1);

        Run noColumn = job("score", "--model", model.toString(), "--format", "parquet", "--input",
                table.toString(), "--content-column", "bytes", "--output", temp.resolve("z").toString());
        assertThat(noColumn.exitCode()).isEqualTo(1);
        assertThat(noColumn.err()).contains("no column 'bytes'");
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run job(String... args) {
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            CommandLine line = FmnistSparkJob.commandLine();
            line.setErr(new PrintWriter(err, true));
            List<String> all = new ArrayList<>(List.of(args));
            all.add(1, "--master=local[2]");
            int code = line.execute(all.toArray(String[]::new));
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    private static Path firstPng(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
    }
}
