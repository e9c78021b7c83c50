package dev.fmnist.testkit.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.models.builtin.DeepCnnPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class DeepCnnPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new DeepCnnPlugin();
    }
}
