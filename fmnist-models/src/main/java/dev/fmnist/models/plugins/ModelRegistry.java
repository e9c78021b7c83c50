package dev.fmnist.models.plugins;

import dev.fmnist.api.ModelPlugin;
import dev.fmnist.api.training.TrainingCallbackFactory;
import dev.fmnist.models.ModelException;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.plugins.PluginClasses;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every model plugin and training-callback factory of this installation: the built-in ones on the
 * platform's class path, then those in the plugins folder, each JAR (or sub-folder of JARs) in its own
 * {@link PluginClassLoader}. A plugin that cannot be loaded becomes a {@link PluginProblem}; the others
 * still load. Built lazily on first use, then kept.
 */
public final class ModelRegistry implements PluginClasses {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Optional<Path> pluginsDir;
    private final ClassLoader platformLoader;
    private Map<String, RegisteredPlugin> plugins;
    private final List<TrainingCallbackFactory> callbackFactories = new ArrayList<>();
    private final List<PluginProblem> problems = new ArrayList<>();

    public ModelRegistry(Optional<Path> pluginsDir) {
        this(pluginsDir, ModelRegistry.class.getClassLoader());
    }

    ModelRegistry(Optional<Path> pluginsDir, ClassLoader platformLoader) {
        this.pluginsDir = pluginsDir;
        this.platformLoader = platformLoader;
    }

    /** Every accepted plugin, built-in ones first, in discovery order. */
    public synchronized List<RegisteredPlugin> plugins() {
        return List.copyOf(load().values());
    }

    /** Plugins that could not be loaded, each with the reason. */
    public synchronized List<PluginProblem> problems() {
        load();
        return List.copyOf(problems);
    }

    public synchronized List<TrainingCallbackFactory> callbackFactories() {
        load();
        return List.copyOf(callbackFactories);
    }

    /** The plugin with this id, or an error that lists the ids there are (and any plugin that failed to load). */
    public synchronized RegisteredPlugin get(String id) {
        RegisteredPlugin plugin = load().get(id);
        if (plugin == null) {
            String known = String.join(", ", load().keySet());
            String failed = problems.isEmpty() ? "" : "; plugins that failed to load: "
                    + problems.stream().map(PluginProblem::toString).collect(Collectors.joining("; "));
            throw new ModelException("unknown model '" + id + "'; available: " + known + failed);
        }
        return plugin;
    }

    /** The class loader of the plugin that built the model; the platform's when no such plugin is installed. */
    @Override
    public synchronized ClassLoader loaderFor(ModelManifest manifest) {
        // an ensemble's members share one plugin's classes (Ensembles refuses others): its first member's
        String id = manifest.ensemble() == null ? manifest.modelId() : manifest.ensemble().members().get(0).modelId();
        RegisteredPlugin plugin = load().get(id);
        return plugin == null ? platformLoader : plugin.plugin().getClass().getClassLoader();
    }

    private Map<String, RegisteredPlugin> load() {
        if (plugins == null) {
            plugins = new LinkedHashMap<>();
            register(platformLoader, "built in", true);
            pluginsDir.ifPresent(this::scan);
            problems.forEach(problem -> log.warn("Plugin not loaded: {}", problem));
        }
        return plugins;
    }

    private void scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            log.debug("No plugins folder at {}", dir);
            return;
        }
        List<Path> entries;
        try (Stream<Path> listing = Files.list(dir)) {
            entries = listing.sorted().toList();
        } catch (IOException e) {
            problems.add(new PluginProblem(dir.toString(), "cannot list the plugins folder: " + e.getMessage()));
            return;
        }
        for (Path entry : entries) {
            if (Files.isDirectory(entry)) {
                try (Stream<Path> jars = Files.list(entry)) {
                    loadPlugin(entry, jars.filter(ModelRegistry::isJar).sorted().toList());
                } catch (IOException e) {
                    problems.add(new PluginProblem(entry.toString(), "cannot list the folder: " + e.getMessage()));
                }
            } else if (isJar(entry)) {
                loadPlugin(entry, List.of(entry));
            }
        }
    }

    private static boolean isJar(Path path) {
        return path.getFileName().toString().endsWith(".jar") && Files.isRegularFile(path);
    }

    private void loadPlugin(Path origin, List<Path> jars) {
        if (jars.isEmpty()) {
            problems.add(new PluginProblem(origin.toString(), "folder holds no JAR file"));
            return;
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            Optional<String> refusal = PluginJar.refusal(jar);
            if (refusal.isPresent()) {
                problems.add(new PluginProblem(jar.toString(), refusal.get()));
                return;
            }
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                problems.add(new PluginProblem(jar.toString(), "has no valid URL: " + e.getMessage()));
                return;
            }
        }
        ClassLoader loader = new PluginClassLoader("plugin " + origin.getFileName(), urls.toArray(URL[]::new),
                platformLoader);
        int found = register(loader, origin.toString(), false);
        if (found == 0) {
            problems.add(new PluginProblem(origin.toString(), "declares no plugin: add a "
                    + "META-INF/services/dev.fmnist.api.ModelPlugin (or ...TrainingCallbackFactory) file"));
        }
    }

    /** Instantiates the plugins the loader itself defines; returns how many it offered. */
    private int register(ClassLoader loader, String origin, boolean builtIn) {
        int offered = 0;
        for (ServiceLoader.Provider<ModelPlugin> provider : providers(ModelPlugin.class, loader, builtIn, origin)) {
            offered++;
            create(provider, origin).ifPresent(plugin -> accept(plugin, origin, provider.type().getName()));
        }
        for (ServiceLoader.Provider<TrainingCallbackFactory> provider
                : providers(TrainingCallbackFactory.class, loader, builtIn, origin)) {
            offered++;
            create(provider, origin).ifPresent(callbackFactories::add);
        }
        return offered;
    }

    private <T> List<ServiceLoader.Provider<T>> providers(Class<T> type, ClassLoader loader, boolean builtIn,
            String origin) {
        try {
            // A plugin loader also sees the platform's service files; keep only the classes it defines itself.
            return ServiceLoader.load(type, loader).stream()
                    .filter(provider -> builtIn || provider.type().getClassLoader() == loader)
                    .toList();
        } catch (ServiceConfigurationError | LinkageError e) {
            problems.add(new PluginProblem(origin, "lists a " + type.getSimpleName() + " that cannot be loaded: "
                    + rootMessage(e)));
            return List.of();
        }
    }

    private <T> Optional<T> create(ServiceLoader.Provider<T> provider, String origin) {
        try {
            return Optional.of(provider.get());
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            problems.add(new PluginProblem(origin, "cannot create " + provider.type().getName() + ": "
                    + rootMessage(e)));
            return Optional.empty();
        }
    }

    private void accept(ModelPlugin plugin, String origin, String className) {
        String id;
        try {
            id = plugin.id();
        } catch (RuntimeException | LinkageError e) {
            problems.add(new PluginProblem(origin, className + ".id() failed: " + rootMessage(e)));
            return;
        }
        if (id == null || !ID.matcher(id).matches()) {
            problems.add(new PluginProblem(origin, className + " has the invalid id '" + id
                    + "' (lower-case letters, digits, '.', '_' and '-')"));
            return;
        }
        RegisteredPlugin existing = plugins.get(id);
        if (existing != null) {
            problems.add(new PluginProblem(origin, "model id '" + id + "' of " + className
                    + " is already taken by " + existing.describe() + "; this one is not loaded"));
            return;
        }
        plugins.put(id, new RegisteredPlugin(plugin, origin));
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (caused by " + root + ")";
    }
}
