package dev.fmnist.server;

import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.CatalogIndexer;
import dev.fmnist.runtime.search.IndexException;
import dev.fmnist.server.batch.BatchingExecutor;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The served models by name, each loaded (or failed) once at start-up. */
public final class ModelRepository implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);

    private final Map<String, ServedModel> models = new LinkedHashMap<>();

    public ModelRepository(List<ModelSource> sources, ServerConfig config, MeterRegistry registry,
            PluginClasses classes) {
        for (ModelSource source : sources) {
            ServedModel model = load(source, config, registry, classes);
            if (models.containsKey(model.name())) {
                throw new IllegalArgumentException("two models are named '" + model.name() + "'; name them with "
                        + "--model NAME=RUN_DIR");
            }
            models.put(model.name(), model);
        }
    }

    private static ServedModel load(ModelSource source, ServerConfig config, MeterRegistry registry,
            PluginClasses classes) {
        Path dir = source.runDir();
        String version = dir.getFileName() == null ? "1" : dir.getFileName().toString();
        String fallbackName = source.name() != null ? source.name() : version;
        try {
            Predictor predictor = Predictor.load(dir, classes).withFlipAveraging(config.flipAveraging());
            String name = source.name() != null ? source.name() : predictor.manifest().modelId();
            Optional<CatalogIndex> index = source.index().map(folder -> index(folder, dir));
            BatchingExecutor executor = new BatchingExecutor(name, predictor, config.maxBatchSize(),
                    config.batchWaitMillis(), config.queueCapacity(), config.batching(), registry);
            log.info("Serving model '{}' version {} ({}) from {}{}", name, version, predictor.manifest().modelId(), dir,
                    index.map(i -> ", with " + i.size() + " catalog items from " + source.index().get()).orElse(""));
            return ServedModel.ready(name, version, dir, predictor, executor, index);
        } catch (RuntimeException e) {
            String reason = Files.exists(dir) ? e.getMessage() : "no run folder or model file at " + dir;
            log.error("Model '{}' failed to load: {}", fallbackName, reason);
            return ServedModel.failed(fallbackName, version, dir, reason);
        }
    }

    /** The index, checked to be of this model: another model's embeddings cannot be compared with its own. */
    private static CatalogIndex index(Path folder, Path runDir) {
        CatalogIndex index = CatalogIndex.load(folder);
        Path modelFile = RunDirectory.modelOf(runDir);
        if (!CatalogIndexer.sha256(modelFile).equals(index.manifest().modelSha256())) {
            throw new IndexException("the index " + folder + " was built with " + index.manifest().modelFile()
                    + ", not with " + modelFile + "; rebuild it with 'fmnist index " + runDir + "'");
        }
        return index;
    }

    public Optional<ServedModel> get(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public List<ServedModel> all() {
        return List.copyOf(models.values());
    }

    public boolean allReady() {
        return !models.isEmpty() && models.values().stream().allMatch(ServedModel::isReady);
    }

    @Override
    public void close() {
        models.values().forEach(model -> model.executor().ifPresent(BatchingExecutor::close));
    }
}
