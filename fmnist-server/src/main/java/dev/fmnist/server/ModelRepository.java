package dev.fmnist.server;

import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.CatalogIndexer;
import dev.fmnist.runtime.search.IndexException;
import dev.fmnist.server.batch.BatchingExecutor;
import dev.fmnist.server.batch.WarmUp;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served models by name. All are loaded at start-up; the model repository extension's load and unload
 * change them while the server runs. A reload keeps the loaded version serving until the new one is ready, and
 * an unloaded version finishes the requests it has before it stops.
 */
public final class ModelRepository implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);

    /** What the repository's index lists for one model. */
    public record Entry(String name, String version, ServedModel.State state, String reason) {}

    private final ServerConfig config;
    private final MeterRegistry registry;
    private final PluginClasses classes;
    private final Optional<ModelsFolder> modelsDir;
    private final Object changes = new Object();
    /** Replaced whole under {@link #changes}, so request threads read it without a lock. */
    private volatile Map<String, ServedModel> models = Map.of();

    /**
     * Loads {@code sources} and every run folder of {@code modelsDir} (served under the folder's name).
     *
     * @throws IllegalArgumentException when two models have one name, or {@code modelsDir} is not a folder
     */
    public ModelRepository(List<ModelSource> sources, Optional<Path> modelsDir, ServerConfig config,
            MeterRegistry registry, PluginClasses classes) {
        this.config = config;
        this.registry = registry;
        this.classes = classes;
        this.modelsDir = modelsDir.map(ModelsFolder::new);
        List<ModelSource> all = new ArrayList<>(sources);
        // a run of the folder named by --model or --index already is served as that source says
        this.modelsDir.ifPresent(dir -> dir.runs().forEach((name, run) -> {
            if (sources.stream().noneMatch(source -> name.equals(source.name()))) {
                all.add(run);
            }
        }));
        Map<String, ServedModel> loaded = new LinkedHashMap<>();
        for (ModelSource source : all) {
            ServedModel model = load(source, true);
            if (loaded.containsKey(model.name())) {
                loaded.values().forEach(m -> m.executor().ifPresent(BatchingExecutor::close));
                model.executor().ifPresent(BatchingExecutor::close);
                throw new IllegalArgumentException("two models are named '" + model.name() + "'; name them with "
                        + "--model NAME=RUN_DIR");
            }
            loaded.put(model.name(), model);
        }
        models = Collections.unmodifiableMap(loaded);
    }

    public ModelRepository(List<ModelSource> sources, ServerConfig config, MeterRegistry registry,
            PluginClasses classes) {
        this(sources, Optional.empty(), config, registry, classes);
    }

    /** Loads a model with its executor, or records why it could not be. */
    private ServedModel load(ModelSource source, boolean required) {
        Path dir = source.runDir();
        String version = version(source);
        String fallbackName = source.name() != null ? source.name() : version;
        try {
            Predictor predictor = Predictor.load(dir, classes).withFlipAveraging(config.flipAveraging());
            String name = source.name() != null ? source.name() : predictor.manifest().modelId();
            Optional<CatalogIndex> index = source.index().map(folder -> index(folder, dir));
            BatchingExecutor executor = new BatchingExecutor(name, version, predictor, config.maxBatchSize(),
                    config.batchWaitMillis(), config.queueCapacity(), config.batching(), registry);
            predictor.acceptanceWithheld().ifPresent(why -> log.warn("Model '{}' answers without marking answers "
                    + "accepted: its acceptance threshold does not apply here ({})", name, why));
            long warmUp = WarmUp.run(executor, index.isPresent()).toMillis();
            log.info("Serving model '{}' version {} ({}) from {}{}, warmed up in {} ms", name, version,
                    predictor.manifest().modelId(), dir, index.map(i -> ", with " + i.size() + " catalog items from "
                            + source.index().get()).orElse(""), warmUp);
            return ServedModel.ready(name, version, source.named(name), predictor, executor, index);
        } catch (RuntimeException e) {
            String reason = Files.exists(dir) ? e.getMessage() : "no run folder or model file at " + dir;
            log.error("Model '{}' failed to load: {}", fallbackName, reason);
            return ServedModel.failed(fallbackName, version, source, reason, required);
        } catch (Error e) {
            // a model (or a hostile file) too big for the heap, too deeply nested for the stack, a plugin's class
            // missing: the load fails, and the model is not left LOADING
            log.error("Model '{}' failed to load", fallbackName, e);
            return ServedModel.failed(fallbackName, version, source, "cannot be loaded here: " + e, required);
        }
    }

    /** The index, checked to be of this model: another model's embeddings cannot be compared with its own. */
    private static CatalogIndex index(Path folder, Path runDir) {
        CatalogIndex index = CatalogIndex.load(folder);
        Path modelFile = RunDirectory.modelOf(runDir);
        if (!CatalogIndexer.sameNetwork(modelFile, index.manifest().modelSha256())) {
            throw new IndexException("the index " + folder + " was built with " + index.manifest().modelFile()
                    + ", not with " + modelFile + "; rebuild it with 'fmnist index " + runDir + "'");
        }
        return index;
    }

    /**
     * Loads the model {@code name}, or loads it again (a retrained run, or another run under the same name):
     * from {@code run} when given (a folder of the models folder), else from where it was loaded
     * before, else from the models folder's run of that name. The similar-item index is {@code index} when given
     * ("none" serves none), else the one it had. A loaded version serves until the new one is ready; if the new
     * one fails, it goes on serving and this throws with the reason.
     *
     * @throws RepositoryException the model is unknown, or it failed to load
     */
    public ServedModel load(String name, Optional<String> run, Optional<String> index) {
        synchronized (changes) {
            ServedModel current = models.get(name);
            ModelSource source = sourceFor(name, current, run);
            if (index.isPresent()) {
                source = index.get().equals("none") ? source.withoutIndex() : source.withIndex(confined(index.get()));
            }
            if (current == null || !current.isReady()) {
                put(ServedModel.loading(name, version(source), source));
            }
            ServedModel loaded = load(source, current != null && current.required());
            if (!loaded.isReady()) {
                if (current == null || !current.isReady()) {
                    put(loaded);
                }
                throw new RepositoryException("model '" + name + "' failed to load from " + source.runDir() + ": "
                        + loaded.reason() + (current != null && current.isReady() ? "; version " + current.version()
                        + " goes on serving" : ""), false);
            }
            put(loaded);
            if (current != null) {
                current.executor().ifPresent(executor -> executor.close(config.timeoutMillis()));
            }
            return loaded;
        }
    }

    /**
     * Unloads the model {@code name}: it is unavailable at once for new requests, and the requests it has finish
     * (up to {@code server.timeout-ms}) before this returns.
     *
     * @throws RepositoryException the model is unknown
     */
    public void unload(String name) {
        synchronized (changes) {
            ServedModel current = models.get(name);
            if (current == null) {
                if (modelsDir.isPresent() && modelsDir.get().runs().containsKey(name)) {
                    return; // in the repository, and not loaded: nothing to do
                }
                throw unknown(name);
            }
            put(ServedModel.failed(name, current.version(), current.source(), "unloaded", false));
            current.executor().ifPresent(executor -> executor.close(config.timeoutMillis()));
            log.info("Unloaded model '{}' version {}", name, current.version());
        }
    }

    /** Every model loaded or tried, and every run of the models folder not loaded, in name order. */
    public List<Entry> index() {
        Map<String, Entry> entries = new TreeMap<>();
        modelsDir.ifPresent(dir -> dir.runs().forEach((name, source) -> entries.put(name,
                new Entry(name, version(source), ServedModel.State.UNAVAILABLE, "not loaded"))));
        models.values().forEach(model -> entries.put(model.name(),
                new Entry(model.name(), model.version(), model.state(), model.reason())));
        return List.copyOf(entries.values());
    }

    private ModelSource sourceFor(String name, ServedModel current, Optional<String> run) {
        if (run.isPresent()) {
            return new ModelSource(name, confined(run.get()), current == null ? Optional.empty()
                    : current.source().index());
        }
        if (current != null) {
            return current.source();
        }
        ModelSource found = modelsDir.map(ModelsFolder::runs).map(runs -> runs.get(name)).orElse(null);
        if (found == null) {
            throw unknown(name);
        }
        return found;
    }

    /** A run or index a load request names, in the models folder ({@link ModelsFolder#confined}). */
    private Path confined(String requested) {
        return modelsDir.orElseThrow(() -> new RepositoryException("this server has no models folder "
                + "(serve --models-dir DIR): a load request cannot name a run or an index", false))
                .confined(requested);
    }

    private RepositoryException unknown(String name) {
        return new RepositoryException("no model '" + name + "' in the repository"
                + modelsDir.map(dir -> " (served models and the run folders of " + dir.path() + ")").orElse(""), true);
    }

    /** A model's version is the name of the run folder it was loaded from ("1" for a root folder). */
    private static String version(ModelSource source) {
        Path file = source.runDir().getFileName();
        return file == null ? "1" : file.toString();
    }

    private void put(ServedModel model) {
        Map<String, ServedModel> next = new LinkedHashMap<>(models);
        next.put(model.name(), model);
        models = Collections.unmodifiableMap(next);
    }

    public Optional<ServedModel> get(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public List<ServedModel> all() {
        return List.copyOf(models.values());
    }

    /** Ready when there is a model and every one it needs is: unloaded ones and failed API loads do not count. */
    public boolean allReady() {
        Map<String, ServedModel> now = models;
        return now.values().stream().anyMatch(ServedModel::isReady)
                && now.values().stream().filter(ServedModel::required).allMatch(ServedModel::isReady);
    }

    @Override
    public void close() {
        models.values().forEach(model -> model.executor().ifPresent(BatchingExecutor::close));
    }
}
