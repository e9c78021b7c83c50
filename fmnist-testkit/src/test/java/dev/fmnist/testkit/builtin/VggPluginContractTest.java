package dev.fmnist.testkit.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.models.builtin.VggPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class VggPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new VggPlugin();
    }
}
