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

    /** More threads must train at least this much faster to be chosen: a free core serves the JVM's own work. */
    public static final double MARGIN = 1.05;

    /**
     * Which of the candidates {@link TrainingThreads#candidates} lists trains fastest, given each one's images/s in
     * that order: a later candidate (more threads, then data parallelism) only when {@link #MARGIN} faster.
     */
    public static int fastest(double[] imagesPerSecond) {
        int best = 0;
        for (int c = 1; c < imagesPerSecond.length; c++) {
            if (imagesPerSecond[c] > imagesPerSecond[best] * MARGIN) {
                best = c;
            }
        }
        return best;
    }

    /** The threads it occupies in all. */
    public int cores() {
        return workers * threads;
    }

    public boolean dataParallel() {
        return workers > 1;
    }

    /** As {@code train.threads} writes it: {@code 2} threads, or {@code 2x1} for 2 workers of 1 thread. */
    public String text() {
        return workers == 1 ? Integer.toString(threads) : workers + "x" + threads;
    }

    /** "2 threads", or "2 workers x 1 thread" for data parallelism. */
    @Override
    public String toString() {
        String perWorker = threads + (threads == 1 ? " thread" : " threads");
        return workers == 1 ? perWorker : workers + " workers x " + perWorker;
    }
}
