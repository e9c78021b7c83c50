package com.example.fmnist.resnet;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.testkit.ModelPluginContract;

/** The same contract for a graph plugin: builds, trains a few batches, saves, loads and predicts the same. */
class MiniResNetPluginTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new MiniResNetPlugin();
    }
}
