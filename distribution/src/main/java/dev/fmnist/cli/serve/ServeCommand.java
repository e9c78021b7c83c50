package dev.fmnist.cli.serve;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.cli.VersionProvider;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.PredictionServer;
import dev.fmnist.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over HTTP (Open Inference Protocol v2, an image endpoint, a demo page) until stopped.")
public final class ServeCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "RUN_DIR", description = "Run folders, served under their model id.")
    List<Path> runDirs = new ArrayList<>();

    @Option(names = "--model", paramLabel = "NAME=RUN_DIR", description = "A run folder served under NAME (repeatable).")
    List<String> models = new ArrayList<>();

    @Option(names = "--index", paramLabel = "[NAME=]INDEX", description = "A similar-item index ('fmnist index') "
            + "served beside the model NAME (or the only model) at /v2/models/NAME/similar (repeatable).")
    List<String> indexes = new ArrayList<>();

    @Option(names = "--review", paramLabel = "[NAME=]DIR", description = "A review desk for the model NAME (or the "
            + "only model): the images of DIR it does not accept, most uncertain first, at /review.html?model=NAME; "
            + "decisions go to DIR/review-log.jsonl and DIR/reviewed/<class>/ (repeatable).")
    List<String> reviews = new ArrayList<>();

    @Option(names = "--models-dir", paramLabel = "DIR", description = "Serve every run folder of DIR under the "
            + "folder's name; the repository API (/v2/repository) loads, reloads and unloads them while serving.")
    Path modelsDir;

    @Option(names = "--port", paramLabel = "N", description = "Port (default: server.port); 0 picks a free one.")
    Integer port;

    @Option(names = "--grpc-port", paramLabel = "N", description = "Also serve the Open Inference Protocol's gRPC "
            + "service on port N (default: server.grpc-port, -1: none); 0 picks a free one.")
    Integer grpcPort;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default: server.host, 127.0.0.1).")
    String host;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        List<ModelSource> sources = new ArrayList<>();
        runDirs.forEach(dir -> sources.add(new ModelSource(null, dir)));
        for (String model : models) {
            try {
                sources.add(ModelSource.parse(model));
            } catch (IllegalArgumentException e) {
                throw new UserError("--model " + model + ": " + e.getMessage());
            }
        }
        if (sources.isEmpty() && modelsDir == null) {
            throw new UserError("name at least one run folder to serve: fmnist serve RUN_DIR, --model NAME=RUN_DIR "
                    + "or --models-dir DIR");
        }
        if (modelsDir != null && !Files.isDirectory(modelsDir)) {
            throw new UserError("--models-dir " + modelsDir + ": no such folder");
        }
        for (String index : indexes) {
            attach(sources, index, modelsDir);
        }
        if (port != null) {
            options.set("server.port", port.toString());
        }
        if (grpcPort != null) {
            options.set("server.grpc-port", grpcPort.toString());
        }
        if (host != null) {
            options.set("server.host", host);
        }
        Injector injector = Bootstrap.injector(options);
        ServerConfig config = injector.getInstance(ServerConfig.class);
        PredictionServer server;
        try {
            server = PredictionServer.start(config, sources, Optional.ofNullable(modelsDir),
                    VersionProvider.platformVersion(), injector.getInstance(PluginClasses.class), reviewFolders());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "fmnist-shutdown"));
        spec.commandLine().getOut().printf("Serving on %s://%s:%d/%s (Ctrl-C or SIGTERM stops it)%n",
                config.tls().isPresent() ? "https" : "http", config.host(), server.port(), server.grpcPort().map(p -> " and gRPC " + config.host() + ":" + p).orElse(""));
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    /** The {@code --review} folders by model name; "" for the only model served. */
    private Map<String, Path> reviewFolders() {
        Map<String, Path> folders = new LinkedHashMap<>();
        for (String review : reviews) {
            int equals = review.indexOf('=');
            Path folder = Path.of(review.substring(equals + 1));
            if (!Files.isDirectory(folder)) {
                throw new UserError("--review " + review + ": no such folder");
            }
            folders.put(equals < 0 ? "" : review.substring(0, equals).trim(), folder);
        }
        return folders;
    }

    /** Puts {@code [NAME=]INDEX} beside its model: the one named NAME (or the models folder's run NAME), or the only one. */
    private static void attach(List<ModelSource> sources, String argument, Path modelsDir) {
        int equals = argument.indexOf('=');
        Path folder = Path.of(argument.substring(equals + 1));
        if (equals < 0) {
            if (sources.size() != 1) {
                throw new UserError("--index " + argument + ": " + sources.size() + " models are served; say which "
                        + "one with --index NAME=INDEX");
            }
            sources.set(0, sources.get(0).withIndex(folder));
            return;
        }
        String name = argument.substring(0, equals).trim();
        for (int i = 0; i < sources.size(); i++) {
            if (name.equals(sources.get(i).name())) {
                sources.set(i, sources.get(i).withIndex(folder));
                return;
            }
        }
        if (modelsDir != null && Files.isDirectory(modelsDir.resolve(name))) {
            sources.add(new ModelSource(name, modelsDir.resolve(name)).withIndex(folder));
            return;
        }
        throw new UserError("--index " + argument + ": no model is served as '" + name + "'; name it with --model "
                + name + "=RUN_DIR");
    }
}
