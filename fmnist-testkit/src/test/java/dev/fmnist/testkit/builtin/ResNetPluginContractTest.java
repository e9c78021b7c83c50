package dev.fmnist.testkit.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.models.builtin.ResNetPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class ResNetPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new ResNetPlugin();
    }
}
