package dev.fmnist.bench;

import dev.fmnist.data.batch.ImageBatchIterator;

/** Images/s of building one epoch's batches into ND4J, as the engine's training loop receives them. */
public final class EpochBatchingTimer {

    private EpochBatchingTimer() {}

    /** Drains one epoch (after {@code reset}) and checks that every image became a row of features. */
    public static double imagesPerSecond(ImageBatchIterator iterator, int pixels) {
        iterator.reset();
        long started = System.nanoTime();
        long values = 0;
        while (iterator.hasNext()) {
            values += iterator.next().getFeatures().length();
        }
        double rate = iterator.imageCount() / ((System.nanoTime() - started) / 1e9);
        if (values != (long) iterator.imageCount() * pixels) {
            throw new IllegalStateException("an epoch produced " + values + " values for " + iterator.imageCount()
                    + " images of " + pixels + " pixels");
        }
        return rate;
    }
}
