package dev.fmnist.cli.bench;

import dev.fmnist.cli.UserError;
import dev.fmnist.runtime.nativecpu.ResidentMemoryWatch;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import java.nio.file.Path;
import java.util.List;

/** The server a serving benchmark measures: one run served as model {@code m}, ready, or a sentence saying why not. */
final class BenchServer {

    private BenchServer() {}

    /**
     * Starts {@code run} as model {@code m}. A setting the server refuses (a bad {@code fmnist.watch.maxphysicalbytes},
     * an address or certificate it cannot listen with) and a model that fails to load come out as a user error, as
     * {@code fmnist serve} says them.
     */
    static PredictionServer start(ServerConfig config, Path run, PluginClasses classes) {
        try {
            ResidentMemoryWatch.askedLimit(); // the one setting the server refuses; read here to say it as a sentence
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        PredictionServer server;
        try {
            server = PredictionServer.start(config, List.of(new ModelSource("m", run)), "bench", classes);
        } catch (IllegalStateException e) { // cannot listen: server.host or server.tls.* in the configuration
            throw new UserError(e.getMessage());
        }
        if (!server.models().allReady()) {
            String failure = server.models().all().get(0).failure().orElse("");
            server.close();
            throw new UserError("the model in " + run + " failed to load: " + failure);
        }
        return server;
    }
}
