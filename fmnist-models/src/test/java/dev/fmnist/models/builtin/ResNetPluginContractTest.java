package dev.fmnist.models.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class ResNetPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new ResNetPlugin();
    }
}
