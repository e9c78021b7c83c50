/**
 * The job JAR's entry point for {@code spark-submit}: {@code score} and {@code index} commands (picocli), the
 * model shipped to the executors, and progress printed from Spark's listener events.
 */
package dev.fmnist.spark.job;
