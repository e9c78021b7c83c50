package dev.fmnist.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@code --model NAME=RUN_DIR} argument: what to serve under which name, and the similar-item index to serve
 * beside it ({@code --index}), if any.
 */
public record ModelSource(String name, Path runDir, Optional<Path> index) {

    public ModelSource(String name, Path runDir) {
        this(name, runDir, Optional.empty());
    }

    public ModelSource withIndex(Path folder) {
        return new ModelSource(name, runDir, Optional.of(folder));
    }

    /** Parses {@code NAME=RUN_DIR}, or a bare {@code RUN_DIR} served under its model id. */
    public static ModelSource parse(String argument) {
        int equals = argument.indexOf('=');
        if (equals < 0) {
            return new ModelSource(null, Path.of(argument));
        }
        String name = argument.substring(0, equals).trim();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("model name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        return new ModelSource(name, Path.of(argument.substring(equals + 1)));
    }
}
