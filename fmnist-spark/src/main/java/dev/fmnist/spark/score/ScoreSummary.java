package dev.fmnist.spark.score;

import java.util.Locale;

/** What a scoring pass did: images written, how many of them are error rows, and how long it took. */
public record ScoreSummary(long images, long failures, double seconds) {

    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d images scored, %,d of them unreadable, in %.1f s (%,.0f images/s)",
                images, failures, seconds, imagesPerSecond());
    }
}
