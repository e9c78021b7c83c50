package com.example.fmnist.lenet;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.testkit.ModelPluginContract;

/** The platform's plugin contract: builds, trains a few batches, saves, loads and predicts the same. */
class LeNet5PluginTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new LeNet5Plugin();
    }
}
