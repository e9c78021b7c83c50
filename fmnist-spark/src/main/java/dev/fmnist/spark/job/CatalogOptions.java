package dev.fmnist.spark.job;

import dev.fmnist.spark.score.CatalogImages;
import dev.fmnist.spark.score.CatalogScoring;
import dev.fmnist.spark.score.ScoreSettings;
import dev.fmnist.spark.score.ScoreSummary;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The options {@code score} and {@code index} share: the model, the images, the output and how to split the work. */
final class CatalogOptions {

    enum Format { files, parquet }

    @Option(names = "--model", required = true, paramLabel = "RUN_OR_MODEL",
            description = "A run folder or model file on the driver, or a model file on hdfs://, s3a://, ...")
    String model;

    @Option(names = "--model-version", paramLabel = "NAME",
            description = "Recorded in every row (default: the run folder's name).")
    String modelVersion;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "A folder (searched at any depth), a glob or an object-store path of image files; with "
                    + "--format parquet, a Parquet table.")
    String input;

    @Option(names = "--format", defaultValue = "files",
            description = "files (Spark's binaryFile source) or parquet (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--glob", paramLabel = "GLOB", description = "Which files are images (default: common image "
            + "extensions: " + CatalogImages.DEFAULT_GLOB + ").")
    String glob = CatalogImages.DEFAULT_GLOB;

    @Option(names = "--id-column", defaultValue = "id", description = "The Parquet table's id column (default: "
            + "${DEFAULT-VALUE}).")
    String idColumn;

    @Option(names = "--content-column", defaultValue = "content", description = "The Parquet table's image-bytes "
            + "column (default: ${DEFAULT-VALUE}).")
    String contentColumn;

    @Option(names = "--output", required = true, paramLabel = "PATH",
            description = "Where the scored Parquet goes; replaced as a whole when it exists.")
    String output;

    @Option(names = "--top-k", defaultValue = "3", description = "Classes kept per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--batch-size", defaultValue = "256",
            description = "Images per forward pass on an executor (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", defaultValue = "0",
            description = "Tasks the images are split into (default: four per core of the cluster).")
    int partitions;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (default: local[*]).")
    String master;

    /** The session spark-submit configured, or a local one. */
    SparkSession session(String job) {
        SparkSession.Builder builder = SparkSession.builder().appName("fmnist " + job);
        if (master != null) {
            builder.master(master);
        } else if (!new SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        return builder.getOrCreate();
    }

    /** The model as shipped to the executors, and what scoring wrote. */
    record Scored(ModelShipping model, ScoreSummary summary) {}

    /**
     * Ships the model, scores the catalog into {@code --output} with progress lines on stderr, and prints the
     * summary.
     */
    Scored score(SparkSession spark, boolean embeddings, boolean pixels) {
        ProgressListener progress = new ProgressListener(System.err);
        spark.sparkContext().addSparkListener(progress);
        try {
            ModelShipping shipped = ModelShipping.ship(spark, model);
            ScoreSettings settings = new ScoreSettings(shipped.file(),
                    modelVersion != null ? modelVersion : shipped.version(), topK, batchSize, embeddings, pixels);
            Dataset<Row> images = format == Format.parquet ? CatalogImages.parquet(spark, input, idColumn, contentColumn)
                    : CatalogImages.files(spark, input, glob);
            CatalogScoring scoring = new CatalogScoring(spark);
            ScoreSummary summary = scoring.write(scoring.score(images, settings, partitions), output);
            System.out.println("Scored with " + model + ": " + summary + " -> " + output);
            return new Scored(shipped, summary);
        } finally {
            spark.sparkContext().removeSparkListener(progress);
        }
    }
}
