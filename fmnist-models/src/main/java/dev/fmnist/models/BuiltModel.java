package dev.fmnist.models;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.model.Network;

/** An initialized network with the plugin and resolved hyperparameters that made it. */
public record BuiltModel(RegisteredPlugin plugin, Hyperparameters hyperparameters, Network network) {

    public BuiltModel {
        requireNonNull(plugin, "plugin is null");
        requireNonNull(hyperparameters, "hyperparameters is null");
        requireNonNull(network, "network is null");
    }
}
