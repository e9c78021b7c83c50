package dev.fmnist.server.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.inference.ServingError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A review queue on a folder of real test images and a real model: order, leases, durable decisions, restarts. */
@Tag("dataset")
class ReviewQueueTest {

    private static final int IMAGES = 12;

    @TempDir
    Path dir;

    Path catalog;
    final MovableClock clock = new MovableClock();

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void catalog() throws IOException {
        LabelledImages test = RealDataset.get().dataset().testImages();
        catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.createDirectories(catalog.resolve("shelf"));
        for (int i = 0; i < IMAGES; i++) {
            Files.write(catalog.resolve(i % 2 == 0 ? "item-" + i + ".png" : "shelf/item-" + i + ".png"),
                    DatasetImages.png(test, i));
        }
        Files.writeString(catalog.resolve("notes.txt"), "not an image");
        Files.write(catalog.resolve("broken.png"), "not a png".getBytes(StandardCharsets.UTF_8));
    }

    private ReviewQueue open(Predictor predictor) {
        return ReviewQueue.open(catalog, predictor, new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS), clock);
    }

    private ReviewQueue open() {
        return open(Predictor.load(TestModels.cnn()));
    }

    @Test
    void theImagesTheModelIsLeastSureOfComeFirstAndAcceptedOnesAreNotQueued() throws IOException {
        ReviewQueue queue = open();
        assertThat(queue.stats()).isEqualTo(new ReviewQueue.Stats(IMAGES, 0, IMAGES, 0, 1));
        List<Double> order = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            ReviewQueue.Item item = queue.next("r" + i).orElseThrow();
            order.add(item.answer().best().probability());
        }
        assertThat(order).isSorted();
        assertThat(queue.next("another")).isEmpty();

        // with a threshold at the median top probability, the surer half is accepted and not queued
        Path model = dir.resolve("sure.zip");
        Files.copy(TestModels.cnn().resolve("best.zip"), model);
        double median = order.get(IMAGES / 2);
        ModelFile.replaceManifest(model, ModelFile.manifest(model).withAcceptance(new Acceptance(0.99, median, 1,
                new Acceptance.Accepted(100, 50, 50))));
        ReviewQueue sure = open(Predictor.load(model));
        assertThat(sure.stats().accepted()).isEqualTo(IMAGES - IMAGES / 2);
        assertThat(sure.stats().queued()).isEqualTo(IMAGES / 2);
        assertThat(sure.next("r").orElseThrow().answer().best().probability()).isLessThan(median);
    }

    @Test
    void twoReviewersNeverHoldTheSameItemUntilALeaseRunsOut() {
        ReviewQueue queue = open();
        ReviewQueue.Item first = queue.next("ann").orElseThrow();
        ReviewQueue.Item second = queue.next("bob").orElseThrow();
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(queue.next("ann").orElseThrow().id()).as("ann still holds hers").isEqualTo(first.id());
        assertThatThrownBy(() -> queue.decide(first.id(), 0, "bob")).isInstanceOf(ServingError.class)
                .hasMessageContaining("with another reviewer");

        clock.now = clock.now.plus(ReviewQueue.LEASE).plus(Duration.ofSeconds(1));
        assertThat(queue.next("carl").orElseThrow().id()).as("ann's lease ran out").isEqualTo(first.id());
    }

    @Test
    void aDecisionIsCopiedAndLoggedAtOnceAndSurvivesARestartEvenAfterATornLine() throws IOException {
        ReviewQueue queue = open();
        ReviewQueue.Item item = queue.next("ann").orElseThrow();
        Decision decision = queue.decide(item.id(), 1, "ann");
        assertThat(decision.label()).isEqualTo("Trouser");
        assertThat(catalog.resolve("reviewed/Trouser").resolve(item.id().replace("/", "%2F"))).hasSameBinaryContentAs(
                item.file());
        assertThat(Files.readAllLines(catalog.resolve(ReviewQueue.LOG))).hasSize(1).first().asString()
                .contains("\"item\":\"" + item.id() + "\"").contains("\"label\":\"Trouser\"")
                .contains("\"reviewer\":\"ann\"");
        assertThatThrownBy(() -> queue.decide(item.id(), 2, "bob")).isInstanceOf(ServingError.class)
                .hasMessageContaining("decided already, as Trouser by ann");
        assertThatThrownBy(() -> queue.decide(item.id(), 10, "ann")).hasMessageContaining("not one of the model's 10");
        assertThatThrownBy(() -> queue.decide("nope.png", 1, "ann")).hasMessageContaining("no item 'nope.png'");

        // a crash in the middle of the next write leaves half a line, cut inside a character (the first byte of é)
        Files.write(catalog.resolve(ReviewQueue.LOG), new byte[] {'{', '"', 'i', 't', 'e', 'm', '"', ':', '"', (byte) 0xC3},
                StandardOpenOption.APPEND);
        ReviewQueue restarted = open();
        assertThat(restarted.stats().decided()).isEqualTo(1);
        assertThat(restarted.decisions()).containsKey(item.id());
        ReviewQueue.Item next = restarted.next("ann").orElseThrow();
        assertThat(next.id()).isNotEqualTo(item.id());
        restarted.decide(next.id(), next.answer().best().classIndex(), "ann");
        assertThat(open().decisions()).containsOnlyKeys(item.id(), next.id());
        assertThat(open().stats().remaining()).isEqualTo(IMAGES - 2);
        // the reviewed copies are no items of the review
        assertThat(open().stats().images()).isEqualTo(IMAGES);
    }

    @Test
    void aFolderThatIsNotThereIsASentence() {
        assertThatThrownBy(() -> ReviewQueue.open(dir.resolve("nope"), Predictor.load(TestModels.cnn()),
                new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS), clock))
                .hasMessage("no review folder at " + dir.resolve("nope"));
    }
}
