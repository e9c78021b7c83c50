package dev.fmnist.cli;

import dev.fmnist.keras.KerasImportException;
import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import dev.fmnist.cli.config.ConfigException;
import dev.fmnist.cli.config.ConfigKey;
import dev.fmnist.cli.config.ConfigKeys;
import dev.fmnist.data.DataException;
import dev.fmnist.eval.EvaluationException;
import dev.fmnist.models.ModelException;
import dev.fmnist.runtime.model.ModelFileException;
import dev.fmnist.runtime.search.IndexException;
import dev.fmnist.training.TrainingException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns a failed command into one clear sentence on stderr and an exit code; the stack trace goes to the
 * log file only, never to the person at the terminal.
 */
public final class ErrorReporter implements IExecutionExceptionHandler {

    /** A configuration problem: fix a key or a flag. */
    public static final int CONFIG_ERROR = 2;
    /** The data, a file or the environment is not as needed. */
    public static final int FAILURE = 1;
    /** Something the platform did not expect: a bug or an environment it does not know. */
    public static final int INTERNAL_ERROR = 70;

    private static final Logger log = LoggerFactory.getLogger(ErrorReporter.class);

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        Throwable cause = unwrap(exception);
        if (cause instanceof ConfigException) {
            err.println("fmnist: " + cause.getMessage());
            err.flush();
            return CONFIG_ERROR;
        }
        if (cause instanceof DataException || cause instanceof ModelException || cause instanceof TrainingException
                || cause instanceof ModelFileException || cause instanceof EvaluationException
                || cause instanceof IndexException || cause instanceof UserError
                || cause instanceof KerasImportException
                || cause instanceof UncheckedIOException) {
            err.println("fmnist: " + cause.getMessage());
            err.flush();
            log.debug("command failed", cause);
            return FAILURE;
        }
        log.error("unexpected failure of '{}'", masked(parseResult.originalArgs()), cause);
        err.println("fmnist: unexpected error: " + cause + " (the details are in the log file; please report it)");
        err.flush();
        return INTERNAL_ERROR;
    }

    /**
     * The command line as a log may show it: the value of every secret key ({@code --conf server.api-key=...})
     * replaced by {@code ****}, so a key never reaches a log file.
     */
    static String masked(List<String> args) {
        List<String> shown = new ArrayList<>();
        for (String arg : args) {
            String word = arg;
            for (ConfigKey key : ConfigKeys.ALL) {
                int at = key.secret() ? word.indexOf(key.name() + "=") : -1;
                if (at >= 0) {
                    word = word.substring(0, at + key.name().length() + 1) + "****";
                }
            }
            shown.add(word);
        }
        return String.join(" ", shown);
    }

    /** Guice wraps what a provider throws; the person wants the original sentence. */
    static Throwable unwrap(Throwable exception) {
        Throwable current = exception;
        while ((current instanceof ProvisionException || current instanceof CreationException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
