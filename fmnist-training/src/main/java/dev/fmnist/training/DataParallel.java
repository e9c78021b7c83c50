package dev.fmnist.training;

import dev.fmnist.runtime.Release;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.nativecpu.NativeThreads;
import dev.fmnist.runtime.nativecpu.TrainingPasses;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Data parallelism on one machine, as DL4J's {@code ParallelWrapper} does it in its averaging mode with an
 * averaging frequency of 1: each worker holds a copy of the network (the first is the network itself) and fits its
 * share of every batch on a thread of its own; then the parameters (batch-normalization statistics included) and
 * the optimizer's state are averaged, weighted by the shares, and every copy continues from the average. With
 * plain SGD that is exactly a step on the whole batch; with Adam the first moment is exact and the second is the mean of the workers' (a little
 * larger, as from a smaller batch). Batch normalization sees each worker's share, as in PyTorch's
 * DistributedDataParallel without synchronized statistics. The batch size, so the steps per epoch and every
 * schedule, stay the recipe's.
 *
 * <p>Why not {@code ParallelWrapper} itself: it takes over the training loop (an iterator in, no per-batch
 * result out) and gives each worker a whole batch, which doubles the batch a step sees; the engine needs each
 * batch's loss, its callbacks and its stop requests. On 2 cores the copies' small ops keep both cores busy where
 * intra-op threads leave one waiting (docs/BENCHMARKS.md).
 */
final class DataParallel implements AutoCloseable {

    /** One worker: a copy of the network, the probe that reads its forward pass, a thread of its own. */
    private record Worker(Network network, BatchProbe probe, ExecutorService thread) {}

    /** One worker's result on its share of a batch. */
    private record Share(int images, double loss, int correct) {}

    private final List<Worker> workers = new ArrayList<>();
    private final Parallelism parallelism;
    /** The network's iteration count when the copies were last made equal to it; another means it trained alone. */
    private int syncedIteration = -1;

    /**
     * @param network the network, trained by the first worker
     * @param probe the probe listening to {@code network}
     * @param parallelism how many workers, and the native threads of each
     * @param seed seeds each worker thread's random numbers (dropout), so a run repeats
     */
    DataParallel(Network network, BatchProbe probe, Parallelism parallelism, long seed) {
        this.parallelism = parallelism;
        for (int i = 0; i < parallelism.workers(); i++) {
            Network copy = network;
            BatchProbe copyProbe = probe;
            if (i > 0) {
                copy = network.copy();
                copy.keepForwardForBackprop();
                TrainingPasses.installForGood(copy.model());
                copyProbe = new BatchProbe();
                copy.setListeners(copyProbe);
            }
            long workerSeed = seed * 31 + i;
            String name = "fmnist-train-worker-" + i;
            ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
                Thread worker = new Thread(() -> {
                    Nd4j.getRandom().setSeed(workerSeed);
                    task.run();
                }, name);
                worker.setDaemon(true);
                return worker;
            });
            workers.add(new Worker(copy, copyProbe, thread));
        }
    }

    Parallelism parallelism() {
        return parallelism;
    }

    /** The workers' networks, the training's own first. */
    List<Network> networks() {
        return workers.stream().map(Worker::network).toList();
    }

    /** Fits one batch split over the workers and leaves every copy at the average; the batch's loss and accuracy. */
    BatchFitter.Fitted fit(DataSet batch) {
        int images = batch.numExamples();
        int count = Math.min(workers.size(), images);
        syncCopies();
        List<Future<Share>> shares = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Worker worker = workers.get(i);
            DataSet part = share(batch, i, count);
            shares.add(worker.thread().submit(() -> {
                // Every worker sets its own: OpenMP's count is per thread, libnd4j's and OpenBLAS's may have moved.
                NativeThreads.use(parallelism.threads());
                worker.probe().reset(part.getLabels());
                worker.network().fit(part);
                BatchProbe probe = worker.probe();
                Share share = probe.measured()
                        ? new Share(part.numExamples(), probe.loss(), probe.correct())
                        : new Share(part.numExamples(), worker.network().score(), -1);
                Release.all(part.getFeatures(), part.getLabels());
                return share;
            }));
        }
        List<Share> done = awaitAll(shares);
        double lossSum = 0;
        int correct = 0;
        boolean measured = true;
        for (Share share : done) {
            lossSum += share.loss() * share.images();
            measured &= share.correct() >= 0;
            correct += Math.max(0, share.correct());
        }
        average(done, images);
        return new BatchFitter.Fitted(lossSum / images, measured ? correct : -1);
    }

    /** Every copy's optimizer state cleaned of {@link Subnormals}; the copies hold the same state after a step. */
    void flushSubnormals() {
        for (Worker worker : workers) {
            Subnormals.flush(worker.network().updaterState());
        }
    }

    /** Images {@code [from, to)} of the batch for worker {@code index} of {@code count}, the shares within one. */
    private static DataSet share(DataSet batch, int index, int count) {
        long images = batch.numExamples();
        long from = images * index / count;
        long to = images * (index + 1) / count;
        return new DataSet(batch.getFeatures().get(NDArrayIndex.interval(from, to)).dup(),
                batch.getLabels().get(NDArrayIndex.interval(from, to)).dup());
    }

    /**
     * Makes the copies equal to the network when it trained without them (before the first step, or in between),
     * and gives them its counters before every step: the engine moves the epoch on between batches, and schedules
     * read it. A configuration changed on the network mid-run (a callback calling DL4J's setLearningRate) does not
     * reach the copies: nothing in the platform does that, and a schedule cannot be told from a fixed rate here.
     */
    private void syncCopies() {
        Network network = workers.get(0).network();
        boolean trainedAlone = network.iterationCount() != syncedIteration;
        INDArray params = trainedAlone ? network.model().params() : null;
        INDArray state = trainedAlone ? network.updaterState() : null;
        for (Worker worker : workers.subList(1, workers.size())) {
            Network copy = worker.network();
            if (trainedAlone) {
                copy.model().params().assign(params);
                copyState(state, copy.updaterState());
            }
            copy.setCounts(network.iterationCount(), network.epochCount());
        }
        syncedIteration = network.iterationCount();
    }

    /**
     * The fitted copies' parameters and optimizer state averaged into every copy, each weighted by its share of
     * the batch: DL4J's gradients are means over a share, so with SGD this is the step on the whole batch. Each
     * worker averages its slice of the arrays, so the averaging takes all the cores too.
     */
    private void average(List<Share> shares, int images) {
        double[] weights = shares.stream().mapToDouble(share -> (double) share.images() / images).toArray();
        List<INDArray> params = workers.stream().map(worker -> worker.network().model().params()).toList();
        List<INDArray> states = workers.stream().map(worker -> worker.network().updaterState()).toList();
        List<Future<Share>> slices = new ArrayList<>(workers.size());
        for (int w = 0; w < workers.size(); w++) {
            int slice = w;
            slices.add(workers.get(w).thread().submit(() -> {
                averageSlice(params, weights, slice, workers.size());
                if (states.get(0) != null) {
                    averageSlice(states, weights, slice, workers.size());
                }
                return null;
            }));
        }
        awaitAll(slices);
        syncedIteration = workers.get(0).network().iterationCount();
    }

    /** Slice {@code slice} of {@code slices} of every copy's array set to the weighted mean of the fitted ones. */
    private static void averageSlice(List<INDArray> arrays, double[] weights, int slice, int slices) {
        long length = arrays.get(0).length();
        long from = length * slice / slices;
        long to = length * (slice + 1) / slices;
        if (from == to) {
            return;
        }
        INDArray mean = flatSlice(arrays.get(0), from, to).muli(weights[0]);
        for (int i = 1; i < weights.length; i++) {
            // a copy's own values are overwritten below: scaling them in place costs no allocation
            mean.addi(flatSlice(arrays.get(i), from, to).muli(weights[i]));
        }
        for (INDArray copy : arrays.subList(1, arrays.size())) {
            flatSlice(copy, from, to).assign(mean);
        }
    }

    /** Elements {@code [from, to)} of a contiguous array (DL4J's flattened parameters are a [1, n] row), a view. */
    private static INDArray flatSlice(INDArray array, long from, long to) {
        INDArray flat = array.rank() == 1 ? array : array.reshape(array.length());
        return flat.get(NDArrayIndex.interval(from, to));
    }

    private static void copyState(INDArray from, INDArray to) {
        if (from != null && to != null) {
            to.assign(from);
        }
    }

    /** Every worker's share, waiting for all of them before a failure is thrown: none still trains after. */
    private static <T> List<T> awaitAll(List<Future<T>> futures) {
        List<T> shares = new ArrayList<>(futures.size());
        Throwable failure = null;
        boolean interrupted = false;
        for (Future<T> future : futures) {
            while (true) {
                try {
                    shares.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failure = failure == null ? e.getCause() : failure;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new TrainingException("a training worker failed: " + failure, failure);
        }
        return shares;
    }

    /**
     * Ends the workers: each frees the workspaces its thread made (off-heap memory DL4J keeps per thread, the
     * network's second set among them), then the threads stop.
     */
    @Override
    public void close() {
        List<Future<Object>> freed = new ArrayList<>();
        for (Worker worker : workers) {
            freed.add(worker.thread().submit(() -> {
                Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
                return null;
            }));
            worker.thread().shutdown();
        }
        awaitAll(freed);
        for (Worker worker : workers) {
            try {
                worker.thread().awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
