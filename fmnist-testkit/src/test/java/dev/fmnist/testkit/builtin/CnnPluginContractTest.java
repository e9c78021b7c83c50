package dev.fmnist.testkit.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.models.builtin.CnnPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class CnnPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new CnnPlugin();
    }
}
