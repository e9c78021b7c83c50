package dev.fmnist.runtime.model;

import static java.util.Objects.requireNonNull;

/** A network read back from a model file, with its manifest. */
public record SavedModel(Network network, ModelManifest manifest) {

    public SavedModel {
        requireNonNull(network, "network is null");
        requireNonNull(manifest, "manifest is null");
    }
}
