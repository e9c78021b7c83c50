package dev.fmnist.spark.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a catalog's images come from, as {@code (id, path, content)} rows: files under a folder, glob or
 * object-store path through Spark's {@code binaryFile} source (each file's id is its path below the folder, as
 * {@code fmnist index --data folder:DIR} names items), or a Parquet table with an id and the image bytes.
 */
public final class CatalogImages {

    /** Image files the folder source takes by default; anything else in the folder is not part of the catalog. */
    public static final String DEFAULT_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG,gif,GIF,bmp,BMP}";

    private CatalogImages() {}

    /** Every file matching {@code glob} at any depth under {@code input}. */
    public static Dataset<Row> files(SparkSession spark, String input, String glob) {
        Dataset<Row> files = spark.read().format("binaryFile").option("pathGlobFilter", glob)
                .option("recursiveFileLookup", "true").load(input);
        String prefix = isGlob(input) ? null : qualified(spark, input) + "/";
        return files.select(prefix == null ? col("path").as("id")
                        : when(col("path").startsWith(prefix), col("path").substr(prefix.length() + 1, Integer.MAX_VALUE))
                                .otherwise(col("path")).as("id"),
                col("path"), col("content"));
    }

    /** A Parquet table's images: {@code idColumn} (any type, as text) and {@code contentColumn} (binary). */
    public static Dataset<Row> parquet(SparkSession spark, String input, String idColumn, String contentColumn) {
        Dataset<Row> table = spark.read().parquet(input);
        for (String column : new String[] {idColumn, contentColumn}) {
            if (!Arrays.asList(table.columns()).contains(column)) {
                throw new IllegalArgumentException("the Parquet table " + input + " has no column '" + column
                        + "' (it has " + String.join(", ", table.columns()) + ")");
            }
        }
        return table.select(col(idColumn).cast("string").as("id"), lit(null).cast("string").as("path"),
                col(contentColumn).cast("binary").as("content"));
    }

    private static boolean isGlob(String input) {
        return input.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /** The path as Spark's file sources write it ({@code file:/tmp/catalog}, {@code s3a://bucket/photos}). */
    private static String qualified(SparkSession spark, String input) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(input);
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            String qualified = fs.makeQualified(path).toString();
            return qualified.endsWith("/") ? qualified.substring(0, qualified.length() - 1) : qualified;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + input + ": " + e.getMessage(), e);
        }
    }
}
