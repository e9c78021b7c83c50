package dev.fmnist.training;

/**
 * How a training's batches use the cores: {@code workers} copies of the network, each fitting its share of every
 * batch with {@code threads} native threads. One worker is the plain case, the network itself with intra-op
 * threads; more are data parallelism ({@link DataParallel}).
 */
public record Parallelism(int workers, int threads) {

    public Parallelism {
        if (workers < 1 || threads < 1) {
            throw new IllegalArgumentException("workers and threads are at least 1, got " + workers + " x " + threads);
        }
    }

    /** The network itself with {@code count} native threads. */
    public static Parallelism threads(int count) {
        return new Parallelism(1, count);
    }

    /** The threads it occupies in all. */
    public int cores() {
        return workers * threads;
    }

    public boolean dataParallel() {
        return workers > 1;
    }

    /** "2 threads", or "2 workers x 1 thread" for data parallelism. */
    @Override
    public String toString() {
        String perWorker = threads + (threads == 1 ? " thread" : " threads");
        return workers == 1 ? perWorker : workers + " workers x " + perWorker;
    }
}
