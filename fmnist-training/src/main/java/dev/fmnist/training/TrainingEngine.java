package dev.fmnist.training;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.training.BatchMetrics;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingCallbackFactory;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.Release;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.nativecpu.NativeThreads;
import dev.fmnist.runtime.run.RunConfig;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.callbacks.BestCheckpoint;
import dev.fmnist.training.callbacks.ConsoleProgress;
import dev.fmnist.training.callbacks.EarlyStopping;
import dev.fmnist.training.callbacks.LastCheckpoint;
import dev.fmnist.training.callbacks.MetricHistory;
import dev.fmnist.training.callbacks.Monitor;
import dev.fmnist.training.callbacks.SnapshotCheckpoint;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
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

    private final ModelRegistry registry;
    private final RunSetup setups;
    private final RunSummaries summaries;

    @Inject
    public TrainingEngine(ModelRegistry registry, RunSetup setups) {
        this.registry = registry;
        this.setups = setups;
        this.summaries = new RunSummaries(registry);
    }

    /** An engine over a data source, without an injector (tests, benchmarks). */
    public TrainingEngine(ModelRegistry registry, DataSource source, DataConfig dataConfig, TrainingConfig config) {
        this(registry, new RunSetup(registry, source, dataConfig, config));
    }

    public RunSummary train(TrainingRequest request) {
        return train(request, List.of());
    }

    /** Trains with the built-in callbacks, those of plugin JARs, then {@code extra}, in that order. */
    public RunSummary train(TrainingRequest request, List<TrainingCallback> extra) {
        try (RunSetup.Prepared setup = prepare(request)) {
            return train(setup, extra);
        }
    }

    /**
     * The run's training batches: only they are augmented (validation and test images are seen as they are), and
     * with a teacher their labels are mixed with its targets.
     */
    private ImageBatchIterator trainingBatches(RunSetup.Prepared setup) {
        RunConfig run = setup.runConfig();
        TrainingPlan plan = setup.plan();
        ImageBatchIterator batches = ImageBatchIterator.shuffled(setup.split().train(),
                setup.manifest().inputLayout(), run.normalization(), plan.batchSize(), run.seed(), plan.augmentation(),
                plan.labelSmoothing());
        return setup.teacher().map(teacher -> batches.withTeacher(teacher.targets(), teacher.weight()))
                .orElse(batches);
    }

    /**
     * The run a request asks for, its folder decided and taken, not trained yet: for a caller that needs the folder
     * first (to write its log there). Train it with {@link #train(RunSetup.Prepared, List)}, then close it.
     */
    public RunSetup.Prepared prepare(TrainingRequest request) {
        return setups.prepare(request);
    }

    /** Trains a prepared run, as {@link #train(TrainingRequest, List)}. */
    public RunSummary train(RunSetup.Prepared setup, List<TrainingCallback> extra) {
        RunConfig run = setup.runConfig();
        TrainingPlan plan = setup.plan();
        RunDirectory dir = setup.dir();
        Network network = setup.network();
        RunContext context = new RunContext(run.modelId(), network, dir.path(), plan.epochs(), setup.history());
        Monitor monitor = setup.monitor();

        List<Named> callbacks = new ArrayList<>();
        callbacks.add(new Named("metric history", new MetricHistory(dir.historyJson(), dir.historyCsv())));
        int startEpoch = setup.history().size() + 1;
        AveragedWeights averaged = AveragedWeights.of(plan.averaging(), network, plan.epochs());
        boolean validates = run.validationImages() > 0; // not with --fit-all
        AveragingHistory averagingHistory = null;
        if (averaged != null) {
            averaged.resume(dir, startEpoch - 1, registry);
            if (validates) { // nothing to compare the two weights on otherwise
                averagingHistory = new AveragingHistory(dir.averagingCsv(), startEpoch);
            }
        }
        // With weight averaging, the average is the run's model once there is one: validated, monitored and saved.
        Supplier<Network> model = () -> averaged != null && averaged.ready() ? averaged.network() : network;
        callbacks.add(new Named("best checkpoint", new BestCheckpoint(monitor, dir.bestModel(), model,
                setup::manifest, run.validationImages() > 0)));
        if (plan.snapshots() > 0) {
            // before last.zip: a run resumed after this epoch finds the member written
            callbacks.add(new Named("snapshot checkpoint", new SnapshotCheckpoint(dir, plan.epochs() / plan.snapshots(),
                    model, setup::manifest)));
        }
        callbacks.add(new Named("last checkpoint", new LastCheckpoint(dir.lastModel(), setup::manifest)));
        if (plan.patience() > 0) {
            callbacks.add(new Named("early stopping", new EarlyStopping(monitor, plan.patience())));
        }
        if (setup.progress()) {
            callbacks.add(new Named("progress", new ConsoleProgress()));
        }
        for (TrainingCallbackFactory factory : registry.callbackFactories()) {
            callbacks.add(new Named("plugin callback '" + factory.id() + "'", createCallback(factory)));
        }
        for (TrainingCallback callback : extra) {
            String name = callback.getClass().getSimpleName();
            callbacks.add(new Named(name.isEmpty() ? callback.getClass().getName() : name, callback));
        }

        ImageBatchIterator trainBatches = trainingBatches(setup);
        BatchProbe probe = new BatchProbe();
        network.setListeners(probe);
        BatchFitter fitter = new BatchFitter(network, probe, run.seed());
        ThreadChoice threads;
        try {
            threads = ThreadChoice.of(setups.threads(run.modelId()), NativeThreads.available(), fitter::use);
        } catch (RuntimeException e) {
            fitter.close();  // the network's helpers as they were
            throw e;
        }

        if (!setup.origin().isEmpty()) {
            log.info("{}", setup.origin());
        }
        setup.teacher().ifPresent(teacher -> log.info("{}", teacher.report()));
        log.info("Training {} ({} parameters) on {} images (augmentation: {}{}), validating on {}, batch {}, epochs "
                + "{}..{} ({}), run folder {}", run.modelId(), network.numParams(), run.trainImages(),
                plan.augmentation(), averaged == null ? "" : "; weights averaged: " + plan.averaging(),
                run.validationImages(), plan.batchSize(), startEpoch, plan.epochs(), plan.patience() > 0
                        ? "early stopping after " + plan.patience() + " without a better " + monitor.metric()
                        : "no early stopping", dir.path());
        long runStarted = System.nanoTime();
        int epochsRun = setup.history().size();
        String status = "completed";
        String reason = "";
        try {
            each(callbacks, "onTrainStart", c -> c.onTrainStart(context, startEpoch));
            for (int epoch = startEpoch; epoch <= plan.epochs() && !context.stopRequested(); epoch++) {
                final int current = epoch;
                each(callbacks, "onEpochStart", c -> c.onEpochStart(context, current));
                long epochStarted = System.nanoTime();
                EpochTotals totals = trainEpoch(network, fitter, trainBatches, threads, epoch, callbacks, context,
                        averaged);
                long trainPhase = System.nanoTime() - epochStarted;
                fitter.useAllThreadsHere();
                // The rate this epoch trained with, read before the epoch counter moves a schedule on.
                Double rate = network.learningRate();
                network.incrementEpochCount();
                Validation validation = Validation.of(network, setup.manifest(), setup.split().validation());
                Validation trainedValidation = validation;
                if (averaged != null) {
                    averaged.afterEpoch(epoch);
                    if (averaged.ready()) {
                        validation = Validation.of(averaged.network(), setup.manifest(), setup.split().validation());
                    }
                    if (averagingHistory != null) {
                        averagingHistory.add(epoch, trainedValidation, averaged.ready() ? validation : null);
                    }
                }
                EpochMetrics metrics = new EpochMetrics(epoch, totals.loss(), totals.accuracy(), validation.loss(),
                        validation.accuracy(), rate == null ? Double.NaN : rate,
                        (System.nanoTime() - epochStarted) / 1_000_000, totals.images / (trainPhase / 1e9));
                context.record(metrics);
                epochsRun = epoch;
                log.info(epochLine(metrics, plan.epochs(), validates ? validation : null,
                        validates && validation != trainedValidation ? trainedValidation : null));
                if (averaged != null && averaged.ready()) {
                    // before last.zip: a resumed run finds the average of the epoch it resumes from
                    averaged.save(dir, setup.manifest().at(epoch, metrics, context.history(), Instant.now().toString()));
                }
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
            threads.finish();
            fitter.close();
            final int finished = epochsRun;
            try {
                each(callbacks, "onTrainEnd", c -> c.onTrainEnd(context, finished));
            } catch (TrainingException e) {
                log.error("{}", e.getMessage());
            }
            if (status.equals("failed")) {
                summaries.write(setup, context.history(), status, reason, epochsRun, Double.NaN, runStarted,
                        names(callbacks));
            }
        }
        calibrate(setup);
        return summaries.write(setup, context.history(), status, reason, epochsRun,
                summaries.testAccuracy(setup), runStarted, names(callbacks));
    }

    /**
     * The run's model calibrated on its validation images (temperature scaling): none to do for a run that held none
     * out or ended before its first model.
     */
    private void calibrate(RunSetup.Prepared setup) {
        if (setup.runConfig().validationImages() > 0 && setup.dir().hasModel()) {
            try {
                RunCalibration.fit(setup.dir().model(), setup.split().validation(), registry);
            } catch (RuntimeException e) {
                // the run's model is whole without it: it answers its raw probabilities
                log.warn("The model was not calibrated ({}); fmnist calibrate {} tries again", e.getMessage(),
                        setup.dir().path());
            }
        }
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

    private EpochTotals trainEpoch(Network network, BatchFitter fitter, ImageBatchIterator batches, ThreadChoice threads,
            int epoch, List<Named> callbacks, RunContext context, AveragedWeights averaged) {
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
            threads.beforeBatch();
            long started = System.nanoTime();
            BatchFitter.Fitted fitted = fitter.fit(dataSet);
            threads.afterBatch(size, System.nanoTime() - started);
            threads.chosen().ifPresent(fitter::settle);
            if (averaged != null) {
                averaged.afterBatch();
            }
            batch++;
            double loss = fitted.loss();
            if (!Double.isFinite(loss)) {
                throw new TrainingException(String.format("training %s diverged: the loss became %s in epoch %d, "
                        + "batch %d; lower the learning rate (%s now)", context.modelId(), loss, epoch, batch,
                        network.learningRate()));
            }
            // Free the batch's off-heap buffers now rather than when the garbage collector gets to them:
            // with a small heap it rarely runs, and a long run would hold gigabytes of spent batches.
            Release.all(dataSet.getFeatures(), dataSet.getLabels());
            double accuracy = fitted.measured() ? (double) fitted.correct() / size : Double.NaN;
            lossSum += loss * size;
            if (fitted.measured()) {
                correct += fitted.correct();
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

    /** One epoch in the log: its validation only with validation images, the trained weights' only when averaged. */
    private static String epochLine(EpochMetrics metrics, int epochs, Validation validation, Validation trained) {
        return String.format("epoch %d/%d: loss %.4f acc %.4f | %s | %,.0f img/s, %.1f s", metrics.epoch(), epochs,
                metrics.trainLoss(), metrics.trainAccuracy(), validation == null ? "no validation images"
                        : String.format("val_loss %.4f val_acc %.4f", validation.loss(), validation.accuracy()),
                metrics.imagesPerSecond(), metrics.epochMillis() / 1000.0)
                + (trained == null ? "" : String.format(" | trained weights: val_loss %.4f val_acc %.4f",
                        trained.loss(), trained.accuracy()));
    }

    private static void each(List<Named> callbacks, String hook, Consumer<TrainingCallback> action) {
        for (Named callback : callbacks) {
            callback.call(hook, action);
        }
    }

    private static List<String> names(List<Named> callbacks) {
        return callbacks.stream().map(Named::name).toList();
    }

    private static TrainingCallback createCallback(TrainingCallbackFactory factory) {
        try {
            return factory.create();
        } catch (RuntimeException | LinkageError e) {
            throw new TrainingException("plugin callback '" + factory.id() + "' failed to create its callback: " + e, e);
        }
    }
}
