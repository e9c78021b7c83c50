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
 * The served models by name, each with one or more versions. All are loaded at start-up; the model repository
 * extension's calls change them while the server runs: a load adds a version, or replaces them all, and keeps the
 * version serving until the new one is ready; promote, rollback and a traffic split choose which version answers
 * the bare name; an unloaded version finishes the requests it has before it stops.
 */
public final class ModelRepository implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);

    /**
     * What the repository's index lists for one version of a model.
     *
     * @param current        whether it answers the model's bare name (when no split is set)
     * @param trafficPercent its share of the requests that name no version, when a split is set; else null
     */
    public record Entry(String name, String version, ServedModel.State state, String reason, boolean current,
            Double trafficPercent) {}

    /**
     * How a load treats the versions a model has.
     *
     * @param current whether the loaded version answers the bare name (and the others are unloaded once it
     *                serves), or is added beside them to answer its own route and its share of a split
     * @param traffic the split to set once it serves, if any
     */
    public record LoadOptions(boolean current, Optional<TrafficSplit> traffic) {

        /** A deploy: the loaded version replaces the versions the model had. */
        public static final LoadOptions REPLACE = new LoadOptions(true, Optional.empty());
    }

    private final ServerConfig config;
    private final MeterRegistry registry;
    private final PluginClasses classes;
    private final Optional<ModelsFolder> modelsDir;
    private final Object changes = new Object();
    /** Replaced whole under {@link #changes}, so request threads read it without a lock. */
    private volatile Map<String, ModelVersions> models = Map.of();

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
        Map<String, ModelVersions> loaded = new LinkedHashMap<>();
        for (ModelSource source : all) {
            ServedModel model = load(source, true);
            if (loaded.containsKey(model.name())) {
                loaded.values().forEach(m -> m.currentModel().executor().ifPresent(BatchingExecutor::close));
                model.executor().ifPresent(BatchingExecutor::close);
                throw new IllegalArgumentException("two models are named '" + model.name() + "'; name them with "
                        + "--model NAME=RUN_DIR");
            }
            loaded.put(model.name(), ModelVersions.of(model));
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
            long warmUp;
            try {
                warmUp = WarmUp.run(executor, index.isPresent()).toMillis();
            } catch (RuntimeException | Error e) {
                // its thread goes; its series stay when a serving executor of the same version shares them
                ModelVersions serving = models.get(name);
                executor.close(0, serving == null || !serving.versions().containsKey(version));
                throw e;
            }
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

    /** {@link #load(String, Optional, Optional, LoadOptions)} as a deploy that replaces the model's versions. */
    public ServedModel load(String name, Optional<String> run, Optional<String> index) {
        return load(name, run, index, LoadOptions.REPLACE);
    }

    /**
     * Loads a version of the model {@code name}, or loads one again (a retrained run, or another run under the same
     * name): from {@code run} when given (a folder of the models folder), else from where its current version was
     * loaded, else from the models folder's run of that name. The version is the run folder's name. The
     * similar-item index is {@code index} when given ("none" serves none), else the one the current version has.
     * What serves goes on serving until the new version is ready; if it fails, nothing changes and this throws
     * with the reason.
     *
     * @throws RepositoryException the model is unknown, it failed to load, or the split names a version it lacks
     */
    public ServedModel load(String name, Optional<String> run, Optional<String> index, LoadOptions options) {
        List<ServedModel> retired = new ArrayList<>();
        ServedModel loaded;
        synchronized (changes) {
            ModelVersions versions = models.get(name);
            ServedModel current = versions == null ? null : versions.currentModel();
            ModelSource source = sourceFor(name, current, run);
            if (index.isPresent()) {
                source = index.get().equals("none") ? source.withoutIndex() : source.withIndex(confined(index.get()));
            }
            String version = version(source);
            boolean serving = current != null && current.isReady();
            boolean replacing = !serving || options.current();
            if (replacing && options.traffic().isPresent()
                    && !options.traffic().get().weights().keySet().equals(java.util.Set.of(version))) {
                // a deploy unloads the other versions: a split naming them would silently send them nothing
                throw new RepositoryException("a traffic split given with a load needs \"current\": false, so that "
                        + "the versions it names stay loaded; this load would replace them with version '" + version
                        + "'", false);
            }
            if (!serving) {
                put(ModelVersions.of(ServedModel.loading(name, version, source)));
            }
            loaded = load(source, current != null && current.required());
            if (!loaded.isReady()) {
                if (!serving) {
                    put(ModelVersions.of(loaded));
                }
                throw new RepositoryException("model '" + name + "' failed to load from " + source.runDir() + ": "
                        + loaded.reason() + (serving ? "; version " + current.version() + " goes on serving" : ""),
                        false);
            }
            boolean again = versions != null && versions.versions().containsKey(version);
            ModelVersions next;
            if (replacing) {
                next = ModelVersions.of(loaded);
                if (versions != null) {
                    retired.addAll(versions.versions().values());
                }
            } else {
                next = versions.with(loaded);
                Optional.ofNullable(versions.versions().get(version)).ifPresent(retired::add);
            }
            if (options.traffic().isPresent()) {
                try {
                    checkSplit(next, options.traffic().get());
                } catch (RepositoryException e) {
                    loaded.executor().ifPresent(executor -> executor.close(0, !again));
                    throw e;
                }
                next = next.split(options.traffic().get());
            }
            put(next);
            // a version loaded again (or again after an unload still draining) shares its metric series with the
            // executor it replaces: its gauges are bound to this one's queue from now on
            loaded.executor().ifPresent(BatchingExecutor::takeOverMeters);
            log.info("Model '{}' version {} loaded{}{}", name, version, next.current().equals(version)
                    ? ", answering the model's name" : ", beside version " + next.current(),
                    next.traffic().isSet() ? "; traffic " + next.traffic().weights() : "");
        }
        // outside the lock: a promote or rollback need not wait for the old versions' requests
        retire(retired);
        return loaded;
    }

    /**
     * Closes versions no longer served, side by side, each letting its requests finish; a version's metric series
     * go with it unless a served executor of the same model and version took them over meanwhile.
     */
    private void retire(List<ServedModel> retired) {
        List<Thread> closing = new ArrayList<>();
        for (ServedModel old : retired) {
            old.executor().ifPresent(executor -> {
                Thread thread = new Thread(() -> {
                    executor.close(config.timeoutMillis(), false);
                    synchronized (changes) {
                        if (!served(old.name(), old.version())) {
                            executor.removeMeters();
                        }
                    }
                }, "fmnist-retire-" + old.name());
                thread.start();
                closing.add(thread);
            });
        }
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Makes {@code version} the one that answers the model's name and clears the split; the version it replaces
     * stays loaded, so that {@link #rollback} brings it back in one call.
     *
     * @throws RepositoryException the model or the version is unknown, or the version is not ready
     */
    public ModelVersions promote(String name, String version) {
        synchronized (changes) {
            ModelVersions versions = loaded(name);
            ServedModel model = versions.versions().get(version);
            if (model == null || !model.isReady()) {
                throw new RepositoryException("model '" + name + "' has no version '" + version + "' ready to promote"
                        + "; loaded: " + readyVersions(versions), model == null);
            }
            ModelVersions next = version.equals(versions.current()) ? versions.split(TrafficSplit.NONE)
                    : versions.promoted(version);
            put(next);
            log.info("Model '{}' version {} promoted{}", name, version, next.previous().map(p -> " over " + p)
                    .orElse(""));
            return next;
        }
    }

    /**
     * Brings back the version that answered the model's name before the last promotion, and clears the split.
     * Once only: a second rollback has nothing earlier (it would bring back the version just rolled back from).
     *
     * @throws RepositoryException the model is unknown, or no earlier version is loaded
     */
    public ModelVersions rollback(String name) {
        synchronized (changes) {
            ModelVersions versions = loaded(name);
            String back = versions.previous().filter(v -> versions.versions().get(v).isReady())
                    .orElseThrow(() -> new RepositoryException("model '" + name + "' has no earlier version loaded "
                            + "to roll back to: a promotion keeps the version it replaces, a deploy or a rollback does "
                            + "not; promote a version by name instead", false));
            ModelVersions next = versions.rolledBack(back);
            put(next);
            log.info("Model '{}' rolled back to version {} from {}", name, back, versions.current());
            return next;
        }
    }

    /**
     * Shares the requests that name no version between loaded versions by weight; an empty split sends them all
     * to the current version.
     *
     * @throws RepositoryException the model is unknown, or the split names a version that is not ready
     */
    public ModelVersions traffic(String name, TrafficSplit split) {
        synchronized (changes) {
            ModelVersions versions = loaded(name);
            checkSplit(versions, split);
            ModelVersions next = versions.split(split);
            put(next);
            log.info("Model '{}' traffic: {}", name, split.isSet() ? split.weights() : "all to version "
                    + versions.current());
            return next;
        }
    }

    /**
     * The split names ready versions of the model only, each taking the current version's input and answering its
     * classes: a request that names no version must get the same kind of answer from whichever one it reaches.
     */
    private static void checkSplit(ModelVersions versions, TrafficSplit split) {
        Predictor current = versions.currentModel().predictor().orElseThrow();
        for (String version : split.weights().keySet()) {
            ServedModel model = versions.versions().get(version);
            if (model == null || !model.isReady()) {
                throw new RepositoryException("the traffic split of model '" + versions.name() + "' names version '"
                        + version + "', which is not loaded and ready; loaded: " + readyVersions(versions), false);
            }
            Predictor other = model.predictor().orElseThrow();
            if (!other.classNames().equals(current.classNames())
                    || !other.manifest().imageShape().equals(current.manifest().imageShape())) {
                throw new RepositoryException("version '" + version + "' of model '" + versions.name() + "' answers "
                        + other.classNames().size() + " classes for " + other.manifest().imageShape() + " images, "
                        + "version '" + versions.current() + "' " + current.classNames().size() + " classes for "
                        + current.manifest().imageShape() + ": a split shares requests between versions that take "
                        + "the same images and answer the same classes", false);
            }
        }
    }

    private static String readyVersions(ModelVersions versions) {
        return String.join(", ", versions.versions().values().stream().filter(ServedModel::isReady)
                .map(ServedModel::version).toList());
    }

    private ModelVersions loaded(String name) {
        ModelVersions versions = models.get(name);
        if (versions == null) {
            throw unknown(name);
        }
        if (!versions.currentModel().isReady()) {
            throw new RepositoryException("model '" + name + "' is not ready: " + versions.currentModel().reason(),
                    false);
        }
        return versions;
    }

    /**
     * Unloads the model {@code name}, every version: it is unavailable at once for new requests, and the requests
     * it has finish (up to {@code server.timeout-ms}) before this returns.
     *
     * @throws RepositoryException the model is unknown
     */
    public void unload(String name) {
        ModelVersions versions;
        synchronized (changes) {
            versions = models.get(name);
            if (versions == null) {
                if (modelsDir.isPresent() && modelsDir.get().runs().containsKey(name)) {
                    return; // in the repository, and not loaded: nothing to do
                }
                throw unknown(name);
            }
            ServedModel current = versions.currentModel();
            put(ModelVersions.of(ServedModel.failed(name, current.version(), current.source(), "unloaded", false)));
        }
        retire(List.copyOf(versions.versions().values()));
        log.info("Unloaded model '{}' ({})", name, String.join(", ", versions.versions().keySet()));
    }

    /**
     * Unloads one version of the model {@code name}; the version that answers its name only when it is the last.
     *
     * @throws RepositoryException the model or the version is unknown, or it is the current one beside others
     */
    public void unload(String name, String version) {
        ServedModel model;
        synchronized (changes) {
            ModelVersions versions = models.get(name);
            if (versions == null) {
                throw unknown(name);
            }
            model = versions.versions().get(version);
            if (model == null) {
                throw new RepositoryException("model '" + name + "' has no version '" + version + "'; loaded: "
                        + String.join(", ", versions.versions().keySet()), true);
            }
            if (versions.versions().size() == 1) {
                unload(name);
                return;
            }
            if (version.equals(versions.current())) {
                throw new RepositoryException("version '" + version + "' answers model '" + name + "': promote "
                        + "another version first, or unload the whole model", false);
            }
            put(versions.without(version));
        }
        retire(List.of(model));
        log.info("Unloaded model '{}' version {}", name, version);
    }

    /** Every version loaded or tried, and every run of the models folder not loaded, in name order. */
    public List<Entry> index() {
        Map<String, List<Entry>> entries = new TreeMap<>();
        modelsDir.ifPresent(dir -> dir.runs().forEach((name, source) -> entries.put(name, List.of(
                new Entry(name, version(source), ServedModel.State.UNAVAILABLE, "not loaded", false, null)))));
        models.values().forEach(model -> entries.put(model.name(), model.versions().values().stream()
                .map(v -> new Entry(v.name(), v.version(), v.state(), v.reason(), v.version().equals(model.current()),
                        model.traffic().isSet() ? model.traffic().percent(v.version()) : null))
                .toList()));
        return entries.values().stream().flatMap(List::stream).toList();
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

    /** Whether a version of that name and model has a live executor now (under {@link #changes}). */
    private boolean served(String name, String version) {
        ModelVersions versions = models.get(name);
        ServedModel model = versions == null ? null : versions.versions().get(version);
        return model != null && model.executor().isPresent();
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

    private void put(ModelVersions versions) {
        Map<String, ModelVersions> next = new LinkedHashMap<>(models);
        next.put(versions.name(), versions);
        models = Collections.unmodifiableMap(next);
    }

    /** The version that answers the model's bare name when no split is set. */
    public Optional<ServedModel> get(String name) {
        return Optional.ofNullable(models.get(name)).map(ModelVersions::currentModel);
    }

    /** The model's versions, the current one and the split. */
    public Optional<ModelVersions> versions(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** Each model's current version, in the order they were first loaded. */
    public List<ServedModel> all() {
        return models.values().stream().map(ModelVersions::currentModel).toList();
    }

    /** Ready when there is a model and every one it needs is: unloaded ones and failed API loads do not count. */
    public boolean allReady() {
        List<ServedModel> now = all();
        return now.stream().anyMatch(ServedModel::isReady)
                && now.stream().filter(ServedModel::required).allMatch(ServedModel::isReady);
    }

    @Override
    public void close() {
        models.values().forEach(model -> model.versions().values()
                .forEach(version -> version.executor().ifPresent(BatchingExecutor::close)));
    }
}
