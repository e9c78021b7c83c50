package dev.fmnist.spark.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The scoring pass: images in, one row per image out ({@link ScoredSchema}), written as Parquet. The output
 * path is overwritten as a whole, so running a job again on the same path leaves exactly one result, the new
 * one (Spark writes to a staging folder and commits at the end: a failed run leaves the old output as it was).
 */
public final class CatalogScoring {

    private final SparkSession spark;

    public CatalogScoring(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * The scored rows of {@code images} ({@link CatalogImages}), lazily. {@code partitions}: how many tasks share the
     * work (0: four per core of the cluster); Spark's file source makes one partition per 32 small files, far
     * too many tasks for a catalog of thumbnails, so they are coalesced.
     */
    public Dataset<Row> score(Dataset<Row> images, ScoreSettings settings, int partitions) {
        int wanted = partitions > 0 ? partitions : 4 * spark.sparkContext().defaultParallelism();
        int have = images.rdd().getNumPartitions();
        Dataset<Row> spread = have > wanted ? images.coalesce(wanted) : have < wanted ? images.repartition(wanted) : images;
        return spread.mapPartitions(new PartitionScorer(settings), Encoders.row(ScoredSchema.of(settings)));
    }

    /** Writes scored rows to {@code output} (replacing what was there) and counts what was written. */
    public ScoreSummary write(Dataset<Row> scored, String output) {
        long started = System.nanoTime();
        // names the stages in the progress lines and Spark's UI, which would otherwise show a lambda's call site
        spark.sparkContext().setCallSite("fmnist: score and write " + output);
        try {
            scored.write().mode(SaveMode.Overwrite).parquet(output);
            double seconds = (System.nanoTime() - started) / 1e9;
            spark.sparkContext().setCallSite("fmnist: count " + output);
            // one pass over the error column counts both: count(*) all rows, count(error) the non-null ones
            Row counts = spark.read().parquet(output).agg(count(lit(1)), count(col(ScoredSchema.ERROR))).first();
            return new ScoreSummary(counts.getLong(0), counts.getLong(1), seconds);
        } finally {
            spark.sparkContext().clearCallSite();
        }
    }
}
