package dev.fmnist.spark.job;

import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.SparkSession;

/**
 * Gets the model to the executors: a run folder or model file on the driver, or a model file on a distributed
 * file system ({@code hdfs://}, {@code s3a://}, ...), is added to the job's files, which every executor fetches
 * once; in local mode the executors share the driver's disk and read the file where it is.
 *
 * @param file        what the executors open: a name among the job's files, or an absolute local path
 * @param driverCopy  the file on the driver's disk (for its SHA-256)
 * @param version     the run folder's name, or the model file's
 */
record ModelShipping(String file, Path driverCopy, String version) {

    /**
     * Ships the model after loading it once on the driver, so that a missing or damaged model is one clear error
     * before any task starts rather than a failure in every task.
     */
    static ModelShipping ship(SparkSession spark, String model) {
        if (model.contains("://")) {
            spark.sparkContext().addFile(model);
            String name = model.substring(model.lastIndexOf('/') + 1);
            String parent = model.substring(0, model.lastIndexOf('/'));
            Path copy = Path.of(SparkFiles.get(name));
            Predictor.load(copy);
            return new ModelShipping(name, copy, parent.substring(parent.lastIndexOf('/') + 1));
        }
        Path given = Path.of(model).toAbsolutePath().normalize();
        if (!Files.exists(given)) {
            throw new IllegalArgumentException("no run folder or model file at " + model);
        }
        Path local = RunDirectory.modelOf(given);
        Predictor.load(local);
        String version = (Files.isDirectory(given) ? given : given.getParent()).getFileName().toString();
        if (spark.sparkContext().isLocal()) {
            return new ModelShipping(local.toString(), local, version);
        }
        spark.sparkContext().addFile(local.toString());
        return new ModelShipping(local.getFileName().toString(), local, version);
    }
}
