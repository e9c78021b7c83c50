package dev.fmnist.training;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.Optimizers;
import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.SplitData;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.Distillation;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.WeightAveraging;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.model.SnapshotSchedule;
import dev.fmnist.runtime.model.Versions;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunConfig;
import dev.fmnist.runtime.run.RunDirectory;
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
import java.util.Optional;

/**
 * What a run starts from: a fresh run's folder, configuration, network and manifest; a fine-tuning run's, from its
 * parent model; a resumed run's, read back from its folder. How it trains is its {@link TrainingPlan}; the engine
 * only trains.
 */
public final class RunSetup {

    /**
     * What a run trains with, fresh or resumed; closing it lets go of the run folder.
     *
     * @param lock     the run folder, taken for this training
     * @param progress whether to draw a progress bar on the terminal
     * @param origin   what the run starts from, for the run's log ("Resuming ...", "Fine-tuning ..."); empty for a
     *                 fresh run: the engine logs it once the caller has attached the run's log file
     * @param teacher  a distilled run's teacher targets of its training images; empty for a run without a teacher
     */
    public record Prepared(RunDirectory dir, RunConfig runConfig, TrainingPlan plan, ModelManifest manifest,
            Network network, SplitData split, List<EpochMetrics> history, RunFolderLock lock, boolean progress,
            String origin, Optional<TeacherTargets> teacher) implements AutoCloseable {

        @Override
        public void close() {
            lock.close();
        }

        /** What the run monitors, and from which epoch its model is SWA's average. */
        public Monitor monitor() {
            WeightAveraging averaging = plan.averaging();
            return new Monitor(runConfig.monitor(), runConfig.minDelta(),
                    averaging.kind() == WeightAveraging.Kind.SWA ? averaging.startIn(plan.epochs()) : 0);
        }
    }

    /**
     * What a new run's model is: a plugin's network, or a trained model adapted to the data.
     *
     * @param runName the new run folder's name before its time stamp
     * @param parent  the model it was fine-tuned from; null for a plugin's fresh network
     * @param origin  what the run starts from, in a sentence for its log; empty for a fresh network
     */
    private record Start(String modelId, String pluginVersion, String pluginOrigin, InputLayout inputLayout,
            Normalization normalization, Network network, String runName, ModelManifest.Parent parent,
            String origin) {}

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

    /** How the configuration asks a training of {@code modelId} to use the cores. */
    public TrainingThreads threads(String modelId) {
        return config.threads().forModel(modelId);
    }

    /** The run a request asks for, its folder taken: close it when the training ends. */
    public Prepared prepare(TrainingRequest request) {
        if (request.resume().isPresent()) {
            return resume(request);
        }
        return request.fineTune().isPresent() ? fineTune(request) : fresh(request);
    }

    private Prepared fresh(TrainingRequest request) {
        RegisteredPlugin plugin = registry.get(request.modelId());
        TrainingPlan plan = TrainingPlan.of(ModelBuilder.resolve(plugin, request.overrides()), request, config);
        // the plugin sees the epochs and augmentation in force: a schedule may depend on them
        BuiltModel built = ModelBuilder.build(plugin, dataConfig.seed(), source.classNames().size(),
                source.imageShape(), plan.hyperparameters());
        SplitData split = split(request);
        Normalization normalization = Normalization.fit(dataConfig.normalization(), split.train());
        return start(request, new Start(plugin.id(), plugin.plugin().version(), plugin.origin(),
                plugin.plugin().inputLayout(), normalization, built.network(), plugin.id(), null, ""), plan, split);
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
        if (from.ensemble() != null) {
            throw new TrainingException(parentFile + " is an ensemble of " + from.ensemble().members().size()
                    + " models; fine-tune one of its members (" + from.ensemble().members().get(0).modelFile() + ")");
        }
        if (!from.imageShape().equals(source.imageShape())) {
            throw new TrainingException(parentFile + " takes " + from.imageShape() + " images but "
                    + source.description() + " has " + source.imageShape());
        }
        // The same classes (a catalog fine-tuned before): the output layer is kept, trained further.
        boolean newOutput = !from.classNames().equals(source.classNames());
        Transfer.Adapted adapted = Transfer.adapt(parent.network(), source.classNames().size(), newOutput,
                tuning.frozenLayers(), tuning.learningRate(), dataConfig.seed());
        Map<String, String> hyperparameters = new LinkedHashMap<>(from.hyperparameters());
        // the parent's weight averaging, snapshots and teacher belong to its run (their epochs are not this one's)
        hyperparameters.remove(ModelBuilder.AVERAGE);
        hyperparameters.remove(ModelBuilder.SNAPSHOTS);
        hyperparameters.remove(Distillation.TEACHER);
        hyperparameters.remove(Distillation.TEMPERATURE);
        hyperparameters.remove(Distillation.WEIGHT);
        hyperparameters.putAll(request.overrides());
        TrainingPlan plan = TrainingPlan.fineTuning(Hyperparameters.of(hyperparameters), request, config,
                from.augmentation());
        ModelManifest.Parent origin = new ModelManifest.Parent(parentFile.toString(), from.modelId(),
                from.classNames(), from.data().source(), from.epoch(), adapted.frozenLayers(), tuning.learningRate());
        String sentence = String.format("Fine-tuning %s (%s, epoch %d, classes %d) to %d classes of %s; %d layers "
                + "frozen, %s, Adam %s", parentFile, from.modelId(), from.epoch(), from.classNames().size(),
                source.classNames().size(), source.description(), adapted.frozenLayers(), adapted.keptOutput()
                        ? "its output layer kept" : "a new output layer", tuning.learningRate());
        return start(request, new Start(from.modelId(), from.pluginVersion(), from.pluginOrigin(), from.inputLayout(),
                from.normalization(), adapted.network(), from.modelId() + "-finetuned", origin, sentence), plan,
                split(request));
    }

    /** A new run's folder (the one place a run folder is named), its configuration and its first manifest. */
    private Prepared start(TrainingRequest request, Start start, TrainingPlan plan, SplitData split) {
        // asked before the folder is made: a teacher that fails costs no run folder
        Optional<TeacherTargets> teacher = teacherTargets(plan, split);
        RunDirectory dir = new RunDirectory(request.runDir().orElseGet(() -> RunDirectory.newPath(
                request.runsDir().orElse(config.runsDir()), start.runName(), LocalDateTime.now())));
        if (Files.exists(dir.lastModel())) {
            throw new TrainingException("run folder " + dir.path() + " already holds a run; continue it with --resume "
                    + dir.path() + " or choose another --out");
        }
        RunFolderLock lock = RunFolderLock.takeEmpty(dir);
        try {
            if (plan.snapshots() > 0) {
                startSnapshotCycles(start.network(), plan, split.train().count());
            }
            String now = Instant.now().toString();
            long seed = dataConfig.seed();
            RunConfig run = new RunConfig(start.modelId(), plan.hyperparameters().values(), plan.batchSize(), seed,
                    plan.epochs(), plan.patience(), config.monitor(), config.minDelta(), config.restoreBest(),
                    split.train().count(), split.validation().count(), split.validationFraction(),
                    start.normalization(), source.description(), Versions.platform(), now,
                    plan.augmentation().toString());
            Json.write(dir.config(), run);
            ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(),
                    Versions.dl4j(), start.modelId(), start.pluginVersion(), start.pluginOrigin(), start.inputLayout(),
                    source.imageShape(), start.normalization(), source.classNames(), seed,
                    plan.hyperparameters().values(), plan.batchSize(), start.network().numParams(), now,
                    new ModelManifest.TrainingData(source.description(), split.train().count(),
                            split.validation().count(), split.validationFraction(), source.fingerprint()),
                    0, null, List.of(), plan.augmentation().toString(), start.network().kind(), start.parent());
            return new Prepared(dir, run, plan, manifest, start.network(), split, List.of(), lock, request.progress(),
                    start.origin(), teacher);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Replaces the network's own schedule by cosine cycles restarted {@code snapshots} times, from its learning rate
     * (the {@code learning-rate} hyperparameter, else the rate the network starts with); saved with the network, so a
     * resumed run continues them.
     */
    private static void startSnapshotCycles(Network network, TrainingPlan plan, int trainImages) {
        Double rate = plan.hyperparameters().has(Optimizers.LEARNING_RATE)
                ? plan.hyperparameters().positive(Optimizers.LEARNING_RATE) : network.learningRate();
        if (rate == null || !(rate > 0)) {
            throw new TrainingException("--snapshots needs a learning rate to restart from, and the network starts at "
                    + rate + ": give --lr");
        }
        long batchesPerEpoch = (trainImages + plan.batchSize() - 1) / plan.batchSize();
        network.setLearningRate(new SnapshotSchedule(rate, plan.epochs() * batchesPerEpoch, plan.snapshots()));
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
            TrainingPlan plan = TrainingPlan.resumed(saved, request);
            RunConfig run = new RunConfig(saved.modelId(), saved.hyperparameters(), saved.batchSize(), saved.seed(),
                    plan.epochs(), plan.patience(), saved.monitor(), saved.minDelta(), saved.restoreBest(),
                    saved.trainImages(), saved.validationImages(), saved.validationFraction(), saved.normalization(),
                    saved.dataSource(), saved.platformVersion(), saved.startedAt(), plan.augmentation().toString());
            Json.write(dir.config(), run);
            SplitData split = splitOf(saved, source);
            // a calibration is fitted when the training ends, to the model it ends with; a threshold is chosen anew
            ModelManifest manifest = last.manifest().withCalibration(null).withAcceptance(null);
            return new Prepared(dir, run, plan, manifest, last.network(), split, manifest.history(), lock,
                    request.progress(), "Resuming " + dir.path() + " from epoch " + manifest.epoch() + " of "
                    + plan.epochs(), teacherTargets(plan, split));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The split a run trained on, rebuilt from its configuration: its seed, held-out fraction and limits. */
    static SplitData splitOf(RunConfig saved, DataSource source) {
        // a run that fitted all its training images held none out
        return (saved.validationImages() == 0 ? SplitData.all(source, saved.seed())
                : SplitData.of(source, saved.seed(), saved.validationFraction()))
                .limit(saved.trainImages(), saved.validationImages());
    }

    /** A distilled run's teacher targets of its training images; the teacher is checked first, by its manifest. */
    private Optional<TeacherTargets> teacherTargets(TrainingPlan plan, SplitData split) {
        return plan.distillation().map(distillation -> TeacherTargets.of(distillation, split.train(),
                source.imageShape(), source.classNames(), registry));
    }

    /**
     * The configured data's split, limited to {@code --limit} training images (validation in proportion); with
     * {@code --fit-all}, every training image (or the limit) and no validation.
     */
    private SplitData split(TrainingRequest request) {
        SplitData split = request.fitAll() ? SplitData.all(source, dataConfig.seed())
                : SplitData.of(source, dataConfig.seed(), dataConfig.validationFraction());
        if (request.limit().isEmpty()) {
            return split;
        }
        int train = request.limit().getAsInt();
        if (train < 10) {
            throw new TrainingException("--limit must be at least 10 images, got " + train);
        }
        if (request.fitAll()) {
            return split.limit(train, 0);
        }
        double fraction = split.validationFraction();
        int validation = (int) Math.max(10, Math.round(train * fraction / (1 - fraction)));
        return split.limit(train, validation);
    }
}
