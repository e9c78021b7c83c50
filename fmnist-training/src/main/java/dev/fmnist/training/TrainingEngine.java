package dev.fmnist.training;

import dev.fmnist.api.FashionClass;
import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingCallbackFactory;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.data.prep.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.training.callbacks.BestCheckpoint;
import dev.fmnist.training.callbacks.ConsoleProgress;
import dev.fmnist.training.callbacks.EarlyStopping;
import dev.fmnist.training.callbacks.LastCheckpoint;
import dev.fmnist.training.callbacks.MetricHistory;
import dev.fmnist.training.callbacks.Monitor;
import dev.fmnist.training.run.Json;
import dev.fmnist.training.run.ModelFile;
import dev.fmnist.training.run.ModelManifest;
import dev.fmnist.training.run.RunConfig;
import dev.fmnist.training.run.RunDirectory;
import dev.fmnist.training.run.SavedModel;
import dev.fmnist.training.run.Versions;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model: epochs over the shuffled training split, a validation pass after each, and the
 * callbacks of the SPI at every hook point. The run folder holds everything a run produces; a run
 * interrupted at any moment continues from its last finished epoch with {@code --resume}.
 */
public final class TrainingEngine {

    private static final Logger log = LoggerFactory.getLogger(TrainingEngine.class);
    private static final int DEFAULT_BATCH_SIZE = 64;
    private static final int INFERENCE_BATCH_SIZE = 500;

    private final ModelRegistry registry;
    private final FashionMnist data;
    private final DataConfig dataConfig;
    private final TrainingConfig config;

    @Inject
    public TrainingEngine(ModelRegistry registry, FashionMnist data, DataConfig dataConfig, TrainingConfig config) {
        this.registry = registry;
        this.data = data;
        this.dataConfig = dataConfig;
        this.config = config;
    }

    /** Everything a run needs, fresh or resumed. */
    private record Setup(RunDirectory dir, RunConfig runConfig, ModelManifest manifest, MultiLayerNetwork network,
            SplitData split, List<EpochMetrics> history) {}

    public RunSummary train(TrainingRequest request) {
        return train(request, List.of());
    }

    /** Trains with the built-in callbacks, those of plugin JARs, then {@code extra}, in that order. */
    public RunSummary train(TrainingRequest request, List<TrainingCallback> extra) {
        Setup setup = request.resume().isPresent() ? resume(request) : fresh(request);
        RunConfig run = setup.runConfig();
        RunDirectory dir = setup.dir();
        MultiLayerNetwork network = setup.network();
        RunContext context = new RunContext(run.modelId(), network, dir.path(), run.epochs(), setup.history());
        Monitor monitor = new Monitor(run.monitor(), run.minDelta());

        List<Named> callbacks = new ArrayList<>();
        callbacks.add(new Named("metric history", new MetricHistory(dir.historyJson(), dir.historyCsv())));
        callbacks.add(new Named("best checkpoint", new BestCheckpoint(monitor, dir.bestModel(), setup::manifest)));
        callbacks.add(new Named("last checkpoint", new LastCheckpoint(dir.lastModel(), setup::manifest)));
        if (run.patience() > 0) {
            callbacks.add(new Named("early stopping", new EarlyStopping(monitor, run.patience(), run.restoreBest())));
        }
        if (request.progress()) {
            callbacks.add(new Named("progress", new ConsoleProgress()));
        }
        for (TrainingCallbackFactory factory : registry.callbackFactories()) {
            callbacks.add(new Named("plugin callback '" + factory.id() + "'", createCallback(factory)));
        }
        for (TrainingCallback callback : extra) {
            String name = callback.getClass().getSimpleName();
            callbacks.add(new Named(name.isEmpty() ? callback.getClass().getName() : name, callback));
        }

        InputLayout layout = setup.manifest().inputLayout();
        ImageBatchIterator trainBatches = ImageBatchIterator.shuffled(setup.split().train(), layout,
                run.normalization(), run.batchSize(), run.seed());
        ImageBatchIterator validationBatches = ImageBatchIterator.sequential(setup.split().validation(), layout,
                run.normalization(), INFERENCE_BATCH_SIZE);
        BatchProbe probe = new BatchProbe();
        network.setListeners(probe);

        int startEpoch = setup.history().size() + 1;
        log.info("Training {} ({} parameters) on {} images, validating on {}, batch {}, epochs {}..{}, run folder {}",
                run.modelId(), network.numParams(), run.trainImages(), run.validationImages(), run.batchSize(),
                startEpoch, run.epochs(), dir.path());
        long runStarted = System.nanoTime();
        int epochsRun = setup.history().size();
        String status = "completed";
        String reason = "";
        try {
            each(callbacks, "onTrainStart", c -> c.onTrainStart(context, startEpoch));
            for (int epoch = startEpoch; epoch <= run.epochs() && !context.stopRequested(); epoch++) {
                final int current = epoch;
                each(callbacks, "onEpochStart", c -> c.onEpochStart(context, current));
                long epochStarted = System.nanoTime();
                EpochTotals totals = trainEpoch(network, trainBatches, probe, epoch, callbacks, context);
                long trainPhase = System.nanoTime() - epochStarted;
                // The rate this epoch trained with, read before the epoch counter moves a schedule on.
                Double rate = network.getLearningRate(0);
                network.incrementEpochCount();
                Validation validation = Validation.of(network, validationBatches);
                EpochMetrics metrics = new EpochMetrics(epoch, totals.loss(), totals.accuracy(), validation.loss(),
                        validation.accuracy(), rate == null ? Double.NaN : rate,
                        (System.nanoTime() - epochStarted) / 1_000_000, totals.images / (trainPhase / 1e9));
                context.record(metrics);
                epochsRun = epoch;
                log.info(String.format("epoch %d/%d: loss %.4f acc %.4f | val_loss %.4f val_acc %.4f | %,.0f img/s, %.1f s",
                        epoch, run.epochs(), metrics.trainLoss(), metrics.trainAccuracy(), metrics.validationLoss(),
                        metrics.validationAccuracy(), metrics.imagesPerSecond(), metrics.epochMillis() / 1000.0));
                each(callbacks, "onEpochEnd", c -> c.onEpochEnd(context, metrics));
            }
            if (context.stopRequested()) {
                status = "stopped early";
                reason = context.stopReason();
                log.info("Stopped early after epoch {}: {}", epochsRun, reason);
            }
        } catch (RuntimeException e) {
            status = "failed";
            reason = e.getMessage();
            throw e instanceof TrainingException ? e : new TrainingException("training " + run.modelId()
                    + " failed in epoch " + (epochsRun + 1) + ": " + e, e);
        } finally {
            final int finished = epochsRun;
            try {
                each(callbacks, "onTrainEnd", c -> c.onTrainEnd(context, finished));
            } catch (TrainingException e) {
                log.error("{}", e.getMessage());
            }
            if (status.equals("failed")) {
                writeSummary(setup, context, status, reason, epochsRun, Double.NaN, runStarted, callbacks);
            }
        }
        double testAccuracy = testAccuracy(setup);
        return writeSummary(setup, context, status, reason, epochsRun, testAccuracy, runStarted, callbacks);
    }

    /** Sums over an epoch's batches; accuracy counts only batches the probe could measure. */
    private record EpochTotals(double lossSum, long correct, long measured, long images) {
        double loss() {
            return images == 0 ? Double.NaN : lossSum / images;
        }

        double accuracy() {
            return measured == 0 ? Double.NaN : (double) correct / measured;
        }
    }

    private EpochTotals trainEpoch(MultiLayerNetwork network, ImageBatchIterator batches, BatchProbe probe, int epoch,
            List<Named> callbacks, RunContext context) {
        batches.startEpoch(epoch);
        int batchCount = batches.batchesPerEpoch();
        double lossSum = 0;
        long correct = 0;
        long measured = 0;
        long images = 0;
        int batch = 0;
        while (batches.hasNext()) {
            DataSet dataSet = batches.next();
            int size = dataSet.numExamples();
            probe.reset();
            network.fit(dataSet);
            batch++;
            double loss = probe.measured() ? probe.loss() : network.score();
            if (!Double.isFinite(loss)) {
                throw new TrainingException(String.format("training %s diverged: the loss became %s in epoch %d, "
                        + "batch %d; lower the learning rate (%s now)", context.modelId(), loss, epoch, batch,
                        network.getLearningRate(0)));
            }
            // Free the batch's off-heap buffers now rather than when the garbage collector gets to them:
            // with a small heap it rarely runs, and a long run would hold gigabytes of spent batches.
            Release.all(dataSet.getFeatures(), dataSet.getLabels());
            double accuracy = probe.measured() ? (double) probe.correct() / size : Double.NaN;
            lossSum += loss * size;
            if (probe.measured()) {
                correct += probe.correct();
                measured += size;
            }
            images += size;
            BatchMetrics metrics = new BatchMetrics(epoch, batch, batchCount, size, loss, accuracy);
            for (Named callback : callbacks) {
                callback.call("onBatchEnd", c -> c.onBatchEnd(context, metrics));
            }
            if (context.stopRequested()) {
                break;
            }
        }
        return new EpochTotals(lossSum, correct, measured, images);
    }

    /** A callback with the name errors use for it. */
    private record Named(String name, TrainingCallback callback) {
        void call(String hook, Consumer<TrainingCallback> action) {
            try {
                action.accept(callback);
            } catch (TrainingException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new TrainingException("callback " + name + " failed in " + hook + ": " + e.getMessage(), e);
            }
        }
    }

    private static void each(List<Named> callbacks, String hook, Consumer<TrainingCallback> action) {
        for (Named callback : callbacks) {
            callback.call(hook, action);
        }
    }

    private static TrainingCallback createCallback(TrainingCallbackFactory factory) {
        try {
            return factory.create();
        } catch (RuntimeException | LinkageError e) {
            throw new TrainingException("plugin callback '" + factory.id() + "' failed to create its callback: " + e, e);
        }
    }

    private Setup fresh(TrainingRequest request) {
        RegisteredPlugin plugin = registry.get(request.modelId());
        long seed = dataConfig.seed();
        BuiltModel built = ModelBuilder.build(plugin, seed, FashionClass.values().length, request.overrides());
        int batchSize = built.hyperparameters().values().containsKey("batch-size")
                ? built.hyperparameters().intValue("batch-size") : DEFAULT_BATCH_SIZE;
        if (batchSize < 1) {
            throw new TrainingException("batch size must be at least 1, got " + batchSize);
        }
        SplitData split = limit(data.split(), request);
        Normalization normalization = Normalization.fit(dataConfig.normalization(), split.train());
        RunDirectory dir = new RunDirectory(request.runDir()
                .orElseGet(() -> RunDirectory.newPath(config.runsDir(), plugin.id(), LocalDateTime.now())));
        if (Files.exists(dir.lastModel())) {
            throw new TrainingException("run folder " + dir.path() + " already holds a run; continue it with --resume "
                    + dir.path() + " or choose another --out");
        }
        dir.create();
        String now = Instant.now().toString();
        String dataSource = data.dataset().description();
        RunConfig run = new RunConfig(plugin.id(), built.hyperparameters().values(), batchSize, seed,
                request.epochs().orElse(config.epochs()), request.patience().orElse(config.patience()),
                config.monitor(), config.minDelta(), config.restoreBest(), split.train().count(),
                split.validation().count(), dataConfig.validationFraction(), normalization, dataSource,
                Versions.platform(), now);
        if (run.epochs() < 1) {
            throw new TrainingException("epochs must be at least 1, got " + run.epochs());
        }
        Json.write(dir.config(), run);
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(), Versions.dl4j(),
                plugin.id(), plugin.plugin().version(), plugin.origin(), plugin.plugin().inputLayout(),
                ImageShape.FASHION_MNIST, normalization, FashionClass.displayNames(), seed,
                built.hyperparameters().values(), batchSize, built.network().numParams(), now,
                new ModelManifest.TrainingData(dataSource, split.train().count(), split.validation().count(),
                        dataConfig.validationFraction(), data.dataset().checks().get(0).actualSha256()),
                0, null, List.of());
        return new Setup(dir, run, manifest, built.network(), split, List.of());
    }

    private Setup resume(TrainingRequest request) {
        RunDirectory dir = new RunDirectory(request.resume().orElseThrow());
        if (!Files.isRegularFile(dir.lastModel()) || !Files.isRegularFile(dir.config())) {
            throw new TrainingException("cannot resume " + dir.path() + ": it holds no last.zip and config.json "
                    + "(not a run folder, or it stopped before its first epoch ended)");
        }
        RunConfig saved = Json.read(dir.config(), RunConfig.class);
        SavedModel last = ModelFile.load(dir.lastModel(), true);
        if (saved.seed() != dataConfig.seed()) {
            throw new TrainingException("cannot resume " + dir.path() + ": it was trained with seed " + saved.seed()
                    + " but the configured seed is " + dataConfig.seed() + "; resume with --seed " + saved.seed());
        }
        int epochs = request.epochs().orElse(saved.epochs());
        RunConfig run = new RunConfig(saved.modelId(), saved.hyperparameters(), saved.batchSize(), saved.seed(), epochs,
                request.patience().orElse(saved.patience()), saved.monitor(), saved.minDelta(), saved.restoreBest(),
                saved.trainImages(), saved.validationImages(), saved.validationFraction(), saved.normalization(),
                saved.dataSource(), saved.platformVersion(), saved.startedAt());
        Json.write(dir.config(), run);
        SplitData split = data.split().limit(saved.trainImages(), saved.validationImages());
        ModelManifest manifest = last.manifest();
        log.info("Resuming {} from epoch {} of {}", dir.path(), manifest.epoch(), epochs);
        return new Setup(dir, run, manifest, last.network(), split, manifest.history());
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

    private double testAccuracy(Setup setup) {
        if (!Files.isRegularFile(setup.dir().bestModel())) {
            return Double.NaN;
        }
        MultiLayerNetwork best = ModelFile.load(setup.dir().bestModel(), false).network();
        return Validation.of(best, ImageBatchIterator.sequential(setup.split().test(), setup.manifest().inputLayout(),
                setup.runConfig().normalization(), INFERENCE_BATCH_SIZE)).accuracy();
    }

    private RunSummary writeSummary(Setup setup, RunContext context, String status, String reason, int epochsRun,
            double testAccuracy, long runStarted, List<Named> callbacks) {
        Monitor monitor = new Monitor(setup.runConfig().monitor(), setup.runConfig().minDelta());
        EpochMetrics best = monitor.best(context.history()).orElse(null);
        // Over the whole history, so a resumed run reports all its epochs, not only this session's.
        List<EpochMetrics> history = context.history();
        int sessionEpochs = epochsRun - setup.history().size();
        double epochSeconds = history.stream().mapToDouble(m -> m.epochMillis() / 1000.0).sum();
        double sessionEpochSeconds = history.subList(history.size() - Math.max(0, sessionEpochs), history.size())
                .stream().mapToDouble(m -> m.epochMillis() / 1000.0).sum();
        double seconds = epochSeconds + Math.max(0, (System.nanoTime() - runStarted) / 1e9 - sessionEpochSeconds);
        double trainSeconds = history.stream().mapToDouble(m -> setup.runConfig().trainImages() / m.imagesPerSecond()).sum();
        long allImages = (long) setup.runConfig().trainImages() * history.size();
        RunSummary summary = new RunSummary(setup.runConfig().modelId(), setup.dir().path().toString(),
                setup.network().numParams(), status, reason == null ? "" : reason, epochsRun,
                best == null ? 0 : best.epoch(), best == null ? Double.NaN : best.validationAccuracy(),
                best == null ? Double.NaN : best.validationLoss(), testAccuracy, seconds,
                history.isEmpty() ? Double.NaN : allImages / trainSeconds,
                history.isEmpty() ? Double.NaN : allImages / seconds,
                callbacks.stream().map(Named::name).toList());
        Json.write(setup.dir().summary(), summary);
        return summary;
    }
}
