/**
 * Scoring and indexing image catalogs on Apache Spark. {@code .score}: images in, one Parquet row per image out
 * (the platform's image conversion and model run in batches on each partition, the model loaded once per
 * executor thread); {@code .index}: the similar-item index built from those rows; {@code .job}: the
 * {@code spark-submit} entry point and its progress listener.
 */
package dev.fmnist.spark;
