package dev.fmnist.training;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.SplitData;
import dev.fmnist.data.augment.Augmentation;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.model.Versions;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunConfig;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.callbacks.Monitor;
import dev.fmnist.training.transfer.Transfer;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything around a run's epochs: a fresh run's folder, configuration, network and manifest; a resumed
 * run's, read back from its folder; and the summary written when it ends. The engine only trains.
 */
public final class RunSetup {

    private static final Logger log = LoggerFactory.getLogger(RunSetup.class);

    /**
     * What a run trains with, fresh or resumed.
     *
     * @param lock the run folder, taken for this training: close it when the training ends
     */
    public record Prepared(RunDirectory dir, RunConfig runConfig, ModelManifest manifest, Network network,
            SplitData split, List<EpochMetrics> history, RunFolderLock lock) {}

    /** The run's settings, written under its folder's lock; the lock is let go if they cannot be. */
    private static void write(RunDirectory dir, RunConfig run, RunFolderLock lock) {
        try {
            Json.write(dir.config(), run);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private final ModelRegistry registry;
    private final DataSource source;
    private final DataConfig dataConfig;
    private final TrainingConfig config;

    @Inject
    public RunSetup(ModelRegistry registry, DataSource source, DataConfig dataConfig, TrainingConfig config) {
        this.registry = registry;
        this.source = source;
        this.dataConfig = dataConfig;
        this.config = config;
    }

    /** The native threads the configuration asks trainings to use. */
    public TrainingThreads threads() {
        return config.threads();
    }

    public Prepared prepare(TrainingRequest request) {
        if (request.resume().isPresent()) {
            return resume(request);
        }
        return request.fineTune().isPresent() ? fineTune(request) : fresh(request);
    }

    private Prepared fresh(TrainingRequest request) {
        RegisteredPlugin plugin = registry.get(request.modelId());
        long seed = dataConfig.seed();
        // --epochs and --augment override a plugin's own defaults for them; train.* apply to the others.
        Map<String, String> overrides = new LinkedHashMap<>(request.overrides());
        if (ModelBuilder.declares(plugin, ModelBuilder.EPOCHS)) {
            request.epochs().ifPresent(n -> overrides.put(ModelBuilder.EPOCHS, Integer.toString(n)));
        }
        if (ModelBuilder.declares(plugin, ModelBuilder.AUGMENT)) {
            request.augment().ifPresent(spec -> overrides.put(ModelBuilder.AUGMENT, spec));
        }
        BuiltModel built = ModelBuilder.build(plugin, seed, source.classNames().size(), source.imageShape(),
                overrides);
        Hyperparameters resolved = built.hyperparameters();
        int batchSize = ModelBuilder.batchSize(built.hyperparameters());
        SplitData split = limit(SplitData.of(source, seed, dataConfig.validationFraction()), request);
        Normalization normalization = Normalization.fit(dataConfig.normalization(), split.train());
        RunDirectory dir = new RunDirectory(request.runDir()
                .orElseGet(() -> RunDirectory.newPath(config.runsDir(), plugin.id(), LocalDateTime.now())));
        if (Files.exists(dir.lastModel())) {
            throw new TrainingException("run folder " + dir.path() + " already holds a run; continue it with --resume "
                    + dir.path() + " or choose another --out");
        }
        String augmentation = augmentation(resolved.has(ModelBuilder.AUGMENT) ? resolved.string(ModelBuilder.AUGMENT)
                : request.augment().orElse(config.augmentation()));
        int epochs = resolved.has(ModelBuilder.EPOCHS) ? resolved.intValue(ModelBuilder.EPOCHS)
                : request.epochs().orElse(config.epochs());
        if (epochs < 1) {
            throw new TrainingException("epochs must be at least 1, got " + epochs);
        }
        RunFolderLock lock = RunFolderLock.takeEmpty(dir);
        String now = Instant.now().toString();
        String dataSource = source.description();
        RunConfig run = new RunConfig(plugin.id(), built.hyperparameters().values(), batchSize, seed, epochs,
                request.patience().orElse(config.patience()), config.monitor(), config.minDelta(),
                config.restoreBest(), split.train().count(), split.validation().count(),
                dataConfig.validationFraction(), normalization, dataSource, Versions.platform(), now, augmentation);
        write(dir, run, lock);
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(), Versions.dl4j(),
                plugin.id(), plugin.plugin().version(), plugin.origin(), plugin.plugin().inputLayout(),
                source.imageShape(), normalization, source.classNames(), seed, built.hyperparameters().values(),
                batchSize, built.network().numParams(), now,
                new ModelManifest.TrainingData(dataSource, split.train().count(), split.validation().count(),
                        dataConfig.validationFraction(), source.fingerprint()),
                0, null, List.of(), augmentation, built.network().kind(), null);
        return new Prepared(dir, run, manifest, built.network(), split, List.of(), lock);
    }

    /**
     * A run that starts from a trained model: its plugin, input layout, normalization (its features were learned on
     * inputs scaled that way) and hyperparameters, a new output layer for the configured data's classes.
     */
    private Prepared fineTune(TrainingRequest request) {
        FineTuning tuning = request.fineTune().orElseThrow();
        Path parentFile = RunDirectory.modelOf(tuning.parent());
        SavedModel parent = ModelFile.load(parentFile, false, registry);
        ModelManifest from = parent.manifest();
        if (!from.imageShape().equals(source.imageShape())) {
            throw new TrainingException(parentFile + " takes " + from.imageShape() + " images but "
                    + source.description() + " has " + source.imageShape());
        }
        long seed = dataConfig.seed();
        // The same classes (a catalog fine-tuned before): the output layer is kept, trained further.
        boolean newOutput = !from.classNames().equals(source.classNames());
        Transfer.Adapted adapted = Transfer.adapt(parent.network(), source.classNames().size(), newOutput,
                tuning.frozenLayers(), tuning.learningRate(), seed);
        Map<String, String> hyperparameters = new LinkedHashMap<>(from.hyperparameters());
        hyperparameters.putAll(request.overrides());
        int batchSize = ModelBuilder.batchSize(Hyperparameters.of(hyperparameters));
        SplitData split = limit(SplitData.of(source, seed, dataConfig.validationFraction()), request);
        RunDirectory dir = new RunDirectory(request.runDir().orElseGet(() -> RunDirectory.newPath(config.runsDir(),
                from.modelId() + "-finetuned", LocalDateTime.now())));
        if (Files.exists(dir.lastModel())) {
            throw new TrainingException("run folder " + dir.path() + " already holds a run; continue it with --resume "
                    + dir.path() + " or choose another --out");
        }
        String augmentation = augmentation(request.augment().orElse(from.augmentation()));
        int epochs = request.epochs().orElse(config.epochs());
        RunFolderLock lock = RunFolderLock.takeEmpty(dir);
        String now = Instant.now().toString();
        String dataSource = source.description();
        RunConfig run = new RunConfig(from.modelId(), hyperparameters, batchSize, seed, epochs,
                request.patience().orElse(config.patience()), config.monitor(), config.minDelta(),
                config.restoreBest(), split.train().count(), split.validation().count(),
                dataConfig.validationFraction(), from.normalization(), dataSource, Versions.platform(), now,
                augmentation);
        write(dir, run, lock);
        Network network = adapted.network();
        ModelManifest.Parent origin = new ModelManifest.Parent(parentFile.toString(), from.modelId(),
                from.classNames(), from.data().source(), from.epoch(), adapted.frozenLayers(), tuning.learningRate());
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(), Versions.dl4j(),
                from.modelId(), from.pluginVersion(), from.pluginOrigin(), from.inputLayout(), source.imageShape(),
                from.normalization(), source.classNames(), seed, hyperparameters, batchSize, network.numParams(), now,
                new ModelManifest.TrainingData(dataSource, split.train().count(), split.validation().count(),
                        dataConfig.validationFraction(), source.fingerprint()),
                0, null, List.of(), augmentation, network.kind(), origin);
        log.info("Fine-tuning {} ({}, epoch {}, classes {}) to {} classes of {}; {} layers frozen, {}, Adam {}",
                parentFile, from.modelId(), from.epoch(), from.classNames().size(), source.classNames().size(),
                dataSource, adapted.frozenLayers(), adapted.keptOutput() ? "its output layer kept"
                        : "a new output layer", tuning.learningRate());
        return new Prepared(dir, run, manifest, network, split, List.of(), lock);
    }

    private Prepared resume(TrainingRequest request) {
        RunDirectory dir = new RunDirectory(request.resume().orElseThrow());
        if (!Files.isRegularFile(dir.lastModel()) || !Files.isRegularFile(dir.config())) {
            throw new TrainingException("cannot resume " + dir.path() + ": it holds no last.zip and config.json "
                    + "(not a run folder, or it stopped before its first epoch ended)");
        }
        // taken before the run's files are read: another training may be writing them
        RunFolderLock lock = RunFolderLock.take(dir);
        try {
            RunConfig saved = Json.read(dir.config(), RunConfig.class);
            if (saved.seed() != dataConfig.seed()) {
                throw new TrainingException("cannot resume " + dir.path() + ": it was trained with seed "
                        + saved.seed() + " but the configured seed is " + dataConfig.seed() + "; resume with --seed "
                        + saved.seed());
            }
            // The network through its plugin's class loader: it may use the plugin's own classes.
            SavedModel last = ModelFile.load(dir.lastModel(), true, registry);
            String trainedOn = last.manifest().data().trainImagesSha256();
            if (!trainedOn.isEmpty() && !trainedOn.equals(source.fingerprint())) {
                throw new TrainingException("cannot resume " + dir.path() + ": it was trained on "
                        + last.manifest().data().source() + ", but the configured data is " + source.description()
                        + "; resume with the --data it was trained on");
            }
            int epochs = request.epochs().orElse(saved.epochs());
            RunConfig run = new RunConfig(saved.modelId(), saved.hyperparameters(), saved.batchSize(), saved.seed(),
                    epochs, request.patience().orElse(saved.patience()), saved.monitor(), saved.minDelta(),
                    saved.restoreBest(), saved.trainImages(), saved.validationImages(), saved.validationFraction(),
                    saved.normalization(), saved.dataSource(), saved.platformVersion(), saved.startedAt(),
                    augmentation(saved.augmentation()));
            write(dir, run, lock);
            SplitData split = SplitData.of(source, saved.seed(), saved.validationFraction())
                    .limit(saved.trainImages(), saved.validationImages());
            ModelManifest manifest = last.manifest();
            log.info("Resuming {} from epoch {} of {}", dir.path(), manifest.epoch(), epochs);
            return new Prepared(dir, run, manifest, last.network(), split, manifest.history(), lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The canonical spec; a run recorded before augmentation existed had none. */
    private static String augmentation(String spec) {
        try {
            return Augmentation.parse(spec).toString();
        } catch (IllegalArgumentException e) {
            throw new TrainingException("--augment " + spec + ": " + e.getMessage(), e);
        }
    }

    private static SplitData limit(SplitData split, TrainingRequest request) {
        if (request.limit().isEmpty()) {
            return split;
        }
        int train = request.limit().getAsInt();
        if (train < 10) {
            throw new TrainingException("--limit must be at least 10 images, got " + train);
        }
        double fraction = split.validationFraction();
        int validation = (int) Math.max(10, Math.round(train * fraction / (1 - fraction)));
        return split.limit(train, validation);
    }

    /** Accuracy on the test images of the run's model ({@link RunDirectory#model()}); NaN before the first epoch. */
    double testAccuracy(Prepared run) {
        if (!run.dir().hasModel()) {
            return Double.NaN;
        }
        SavedModel model = ModelFile.load(run.dir().model(), false, registry);
        return Validation.of(model.network(), model.manifest(), run.split().test()).accuracy();
    }

    /** Writes {@code summary.json}; times and rates cover the whole history, so a resumed run reports all its epochs. */
    RunSummary summarize(Prepared run, List<EpochMetrics> history, String status, String reason, int epochsRun,
            double testAccuracy, long runStartedNanos, List<String> callbacks) {
        RunConfig config = run.runConfig();
        EpochMetrics best = new Monitor(config.monitor(), config.minDelta()).best(history).orElse(null);
        int sessionEpochs = epochsRun - run.history().size();
        double epochSeconds = history.stream().mapToDouble(m -> m.epochMillis() / 1000.0).sum();
        double sessionEpochSeconds = history.subList(history.size() - Math.max(0, sessionEpochs), history.size())
                .stream().mapToDouble(m -> m.epochMillis() / 1000.0).sum();
        double seconds = epochSeconds + Math.max(0, (System.nanoTime() - runStartedNanos) / 1e9 - sessionEpochSeconds);
        double trainSeconds = history.stream().mapToDouble(m -> config.trainImages() / m.imagesPerSecond()).sum();
        long allImages = (long) config.trainImages() * history.size();
        RunSummary summary = new RunSummary(config.modelId(), run.dir().path().toString(), run.network().numParams(),
                status, reason == null ? "" : reason, epochsRun, best == null ? 0 : best.epoch(),
                best == null ? Double.NaN : best.validationAccuracy(),
                best == null ? Double.NaN : best.validationLoss(), testAccuracy, seconds,
                history.isEmpty() ? Double.NaN : allImages / trainSeconds,
                history.isEmpty() ? Double.NaN : allImages / seconds, callbacks);
        Json.write(run.dir().summary(), summary);
        return summary;
    }
}
