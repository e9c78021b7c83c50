package dev.fmnist.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What to serve under which name ({@code --model NAME=RUN_DIR}, a run of {@code --models-dir}, or a load through
 * the repository API), and the similar-item index to serve beside it ({@code --index}), if any.
 *
 * @param name null for a bare run folder, served under its model id
 */
public record ModelSource(String name, Path runDir, Optional<Path> index) {

    public static final String NAME_RULE = "letters, digits, '.', '_' or '-', at most 64";

    public ModelSource(String name, Path runDir) {
        this(name, runDir, Optional.empty());
    }

    public ModelSource withIndex(Path folder) {
        return new ModelSource(name, runDir, Optional.of(folder));
    }

    public ModelSource withoutIndex() {
        return new ModelSource(name, runDir, Optional.empty());
    }

    ModelSource named(String value) {
        return new ModelSource(value, runDir, index);
    }

    /** Whether a name is safe in URLs, metric tags and log lines. */
    public static boolean isValidName(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    }

    /** Parses {@code NAME=RUN_DIR}, or a bare {@code RUN_DIR} served under its model id. */
    public static ModelSource parse(String argument) {
        int equals = argument.indexOf('=');
        if (equals < 0) {
            return new ModelSource(null, Path.of(argument));
        }
        String name = argument.substring(0, equals).trim();
        if (!isValidName(name)) {
            throw new IllegalArgumentException("model name '" + name + "' must be " + NAME_RULE);
        }
        return new ModelSource(name, Path.of(argument.substring(equals + 1)));
    }
}
