package dev.fmnist.spark.job;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints a stage's progress at every tenth of its tasks, with the records it has read and written, from Spark's
 * own listener events; Spark's web UI (port 4040 on the driver) shows the same and more.
 */
final class ProgressListener extends SparkListener {

    private static final class Stage {
        final String name;
        final int tasks;
        int done;
        int tenths;
        long read;
        long written;

        Stage(String name, int tasks) {
            this.name = name;
            this.tasks = tasks;
        }
    }

    private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();
    private final PrintStream out;
    private final long started = System.nanoTime();

    ProgressListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        stages.put(event.stageInfo().stageId(), new Stage(event.stageInfo().name(), event.stageInfo().numTasks()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        Stage stage = stages.get(event.stageId());
        if (stage == null || event.taskMetrics() == null) {
            return;
        }
        synchronized (stage) {
            stage.done++;
            stage.read += event.taskMetrics().inputMetrics().recordsRead();
            stage.written += event.taskMetrics().outputMetrics().recordsWritten();
            int tenths = stage.done * 10 / Math.max(1, stage.tasks);
            if (tenths > stage.tenths) {
                stage.tenths = tenths;
                out.printf(Locale.ROOT, "stage %d (%s): %d/%d tasks, %,d records read, %,d written, %.0f s%n",
                        event.stageId(), stage.name, stage.done, stage.tasks, stage.read, stage.written,
                        (System.nanoTime() - started) / 1e9);
            }
        }
    }
}
