package dev.fmnist.cli.models;

import com.google.inject.Injector;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.ModelException;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.PluginProblem;
import dev.fmnist.models.plugins.RegisteredPlugin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List every model plugin: id, input layout, parameters, origin; and plugins that failed to load.")
public final class ModelsCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Injector injector = Bootstrap.injector(options);
        ModelRegistry registry = injector.getInstance(ModelRegistry.class);
        DataSource data = injector.getInstance(DataSource.class);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %-6s %12s  %-22s %s%n", "id", "input", "parameters", "origin", "description");
        for (RegisteredPlugin plugin : registry.plugins()) {
            out.printf("%-12s %-6s %12s  %-22s %s%n", plugin.id(), plugin.plugin().inputLayout(), parameters(plugin, data),
                    shortOrigin(plugin.origin()),
                    plugin.plugin().description());
        }
        for (PluginProblem problem : registry.problems()) {
            out.printf("NOT LOADED  %s%n", problem);
        }
        out.flush();
        return 0;
    }

    /** Counted from the configuration, for the data's classes and image shape, without building the network. */
    private static String parameters(RegisteredPlugin plugin, DataSource data) {
        try {
            return String.format("%,d", ModelBuilder.parameterCount(plugin, data.classNames().size(), data.imageShape()));
        } catch (ModelException e) {
            return "error: " + e.getMessage();
        }
    }

    /** "built in", or the plugin's JAR or folder name within the plugins folder. */
    private static String shortOrigin(String origin) {
        return origin.equals("built in") ? origin : java.nio.file.Path.of(origin).getFileName().toString();
    }
}
