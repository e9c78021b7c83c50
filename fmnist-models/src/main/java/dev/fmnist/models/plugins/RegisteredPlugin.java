package dev.fmnist.models.plugins;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.ModelPlugin;

/**
 * A model plugin the registry accepted.
 *
 * @param origin "built in", or the JAR or folder it came from
 */
public record RegisteredPlugin(ModelPlugin plugin, String origin) {

    public RegisteredPlugin {
        requireNonNull(plugin, "plugin is null");
        requireNonNull(origin, "origin is null");
    }

    public String id() {
        return plugin.id();
    }

    /** "model 'cnn' (built in)", "model 'lenet5' (plugins/lenet5.jar)": how errors name a plugin. */
    public String describe() {
        return "model '" + plugin.id() + "' (" + origin + ")";
    }
}
