package dev.fmnist.server;

import java.nio.file.Path;

/** A {@code --model NAME=RUN_DIR} argument: what to serve under which name. */
public record ModelSource(String name, Path runDir) {

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
