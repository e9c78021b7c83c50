package dev.fmnist.spark.score;

import dev.fmnist.runtime.predict.Predictor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this executor JVM, kept between tasks. A DL4J network serves one thread at a time, so a task
 * borrows a copy and gives it back: an executor ends up with one copy per task slot (its cores), loaded once
 * for the whole job, not once per partition.
 */
final class Predictors {

    private static final Logger log = LoggerFactory.getLogger(Predictors.class);
    private static final Map<String, Queue<Predictor>> IDLE = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADED = new AtomicInteger();

    private Predictors() {}

    /** An idle copy of the model, loading one when every copy is in use. */
    static Predictor borrow(String modelFile) {
        Predictor idle = IDLE.computeIfAbsent(modelFile, key -> new ConcurrentLinkedQueue<>()).poll();
        if (idle != null) {
            return idle;
        }
        Path local = localPath(modelFile);
        Predictor loaded = Predictor.load(local);
        log.info("Loaded model {} from {} (copy {} in this JVM)", loaded.manifest().modelId(), local,
                LOADED.incrementAndGet());
        return loaded;
    }

    static void giveBack(String modelFile, Predictor predictor) {
        IDLE.get(modelFile).offer(predictor);
    }

    /** Copies loaded in this JVM so far. */
    static int loaded() {
        return LOADED.get();
    }

    private static Path localPath(String modelFile) {
        Path path = Path.of(modelFile);
        return path.isAbsolute() ? path : Path.of(SparkFiles.get(modelFile));
    }
}
