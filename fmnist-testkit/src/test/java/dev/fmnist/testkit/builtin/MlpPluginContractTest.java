package dev.fmnist.testkit.builtin;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.models.builtin.MlpPlugin;
import dev.fmnist.testkit.ModelPluginContract;

class MlpPluginContractTest extends ModelPluginContract {

    @Override
    protected ModelPlugin plugin() {
        return new MlpPlugin();
    }
}
