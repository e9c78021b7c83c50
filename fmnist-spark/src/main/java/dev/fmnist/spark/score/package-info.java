/**
 * Catalog scoring: where the images come from ({@link dev.fmnist.spark.score.CatalogImages}), what a scored row
 * holds ({@link dev.fmnist.spark.score.ScoredSchema}), the per-partition work
 * ({@link dev.fmnist.spark.score.PartitionScorer}) and the whole pass ({@link dev.fmnist.spark.score.CatalogScoring}).
 */
package dev.fmnist.spark.score;
