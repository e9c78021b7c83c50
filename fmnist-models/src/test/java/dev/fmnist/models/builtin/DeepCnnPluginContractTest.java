package dev.fmnist.models.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class DeepCnnPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new DeepCnnPlugin();
    }
}
