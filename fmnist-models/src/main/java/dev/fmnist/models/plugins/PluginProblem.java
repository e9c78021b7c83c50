package dev.fmnist.models.plugins;

/**
 * A plugin that could not be loaded; the others still are.
 *
 * @param origin  the JAR or folder
 * @param message what was wrong, as a sentence for people
 */
public record PluginProblem(String origin, String message) {

    @Override
    public String toString() {
        return origin + ": " + message;
    }
}
