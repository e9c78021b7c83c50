package dev.fmnist.cli.config;

import java.util.List;

/** One or more configuration problems, each naming the key, the value, its source and what was expected. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(problems.size() == 1
                ? "configuration error: " + problems.get(0)
                : "configuration errors:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
