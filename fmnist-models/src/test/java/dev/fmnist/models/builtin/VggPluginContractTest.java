package dev.fmnist.models.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class VggPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new VggPlugin();
    }
}
