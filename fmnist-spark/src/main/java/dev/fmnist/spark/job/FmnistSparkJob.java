package dev.fmnist.spark.job;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spark-submit --class dev.fmnist.spark.job.FmnistSparkJob fmnist-spark-job.jar score|index ...}: scores or
 * indexes a catalog with a trained model. A wrong option, a missing model or input, or an unreadable Parquet table
 * is one line on stderr and exit code 1 or 2; an unreadable image is a row with its error, never a failed job.
 */
@Command(name = "fmnist-spark", mixinStandardHelpOptions = true, subcommands = {ScoreCommand.class, IndexCommand.class},
        description = "Score and index image catalogs with an fmnist model on Apache Spark.")
public final class FmnistSparkJob implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The job's command line, which reports a failure in one line rather than a stack trace. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new FmnistSparkJob());
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            PrintWriter err = commandLine.getErr();
            err.println("fmnist-spark: " + message(e));
            err.flush();
            return 1;
        });
        return line;
    }

    private static String message(Throwable e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String text = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        // Spark's analysis errors carry the query plan after the first line
        int newline = text.indexOf('\n');
        return newline > 0 ? text.substring(0, newline) : text;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
