package dev.fmnist.server.review;

import dev.fmnist.image.ClassFolder;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.explain.Explainer;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.inference.ServingError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of a folder a model answered without enough confidence to accept (all of them for a model without an
 * acceptance threshold), most uncertain first, for people to confirm or correct. Each item is leased to one reviewer
 * at a time ({@link #LEASE}); a decision is written to {@code review-log.jsonl} and the image copied into
 * {@code reviewed/<class>/} before it is answered, and the log is read again at start, so decisions survive a
 * restart. The queue holds its own copy of the model (a network is not thread-safe) and serializes its use.
 */
public final class ReviewQueue {

    private static final Logger log = LoggerFactory.getLogger(ReviewQueue.class);

    /** How long an item stays with the reviewer it was given to before another can have it. */
    public static final Duration LEASE = Duration.ofMinutes(2);

    static final String LOG = "review-log.jsonl";
    static final String REVIEWED = "reviewed";
    private static final Set<String> IMAGES = Set.of("png", "jpg", "jpeg", "gif", "bmp", "webp");
    private static final int BATCH = 256;

    /**
     * An image to review.
     *
     * @param id       its path below the review folder, '/'-separated
     * @param pixels   the model's input, converted as the server converts images
     * @param answer   the model's top classes
     * @param accepted whether the model's threshold accepts the answer (then it is not queued)
     */
    public record Item(String id, Path file, byte[] pixels, Prediction answer, boolean accepted) {}

    /** Where the review stands. */
    public record Stats(int images, int accepted, int queued, int decided, int unreadable) {

        public int remaining() {
            return queued - decided;
        }
    }

    private record Lease(String reviewer, Instant until) {}

    private final Path dir;
    private final Predictor predictor;
    private final Clock clock;
    private final ReviewLog decisionsLog;
    private final List<Item> queue;
    private final Map<String, Item> items;
    private final Map<String, Decision> decided = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final int unreadable;
    private final int accepted;

    private ReviewQueue(Path dir, Predictor predictor, Clock clock, List<Item> all, int unreadable) {
        this.dir = dir;
        this.predictor = predictor;
        this.clock = clock;
        this.decisionsLog = new ReviewLog(dir.resolve(LOG));
        this.items = new LinkedHashMap<>();
        all.forEach(item -> items.put(item.id(), item));
        this.queue = all.stream().filter(item -> !item.accepted())
                .sorted(Comparator.comparingDouble((Item item) -> item.answer().best().probability())
                        .thenComparing(Item::id))
                .toList();
        this.accepted = all.size() - queue.size();
        this.unreadable = unreadable;
        for (Decision decision : decisionsLog.read()) {
            if (items.containsKey(decision.item())) {
                decided.put(decision.item(), decision);
            }
        }
    }

    /**
     * Reads every image of {@code dir} (any depth, but for {@code reviewed/}) and answers it with {@code predictor}.
     *
     * @throws UncheckedIOException when the folder cannot be read
     */
    public static ReviewQueue open(Path dir, Predictor predictor, ImagePreprocessor preprocessor, Clock clock) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no review folder at " + dir);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(ReviewQueue::isImage)
                    .filter(file -> !dir.relativize(file).startsWith(REVIEWED)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the review folder " + dir + ": " + e.getMessage(), e);
        }
        List<Path> readable = new ArrayList<>();
        List<byte[]> pixels = new ArrayList<>();
        int unreadable = 0;
        for (Path file : files) {
            try {
                pixels.add(preprocessor.pixels(Files.readAllBytes(file), file.toString()));
                readable.add(file);
            } catch (IOException | RuntimeException e) {
                unreadable++;
                log.warn("Leaving {} out of the review: {}", file, e.getMessage());
            }
        }
        List<Item> all = new ArrayList<>();
        for (int from = 0; from < readable.size(); from += BATCH) {
            int to = Math.min(readable.size(), from + BATCH);
            List<Prediction> answers = predictor.predict(pixels.subList(from, to), 3);
            for (int i = from; i < to; i++) {
                Prediction answer = answers.get(i - from);
                boolean accepted = predictor.acceptance().map(a -> a.accepts(answer.best().probability()))
                        .orElse(false);
                all.add(new Item(id(dir, readable.get(i)), readable.get(i), pixels.get(i), answer, accepted));
            }
        }
        ReviewQueue queue = new ReviewQueue(dir, predictor, clock, all, unreadable);
        Stats stats = queue.stats();
        log.info("Review of {}: {} images, {} accepted by the model's threshold, {} to review ({} decided before)",
                dir, stats.images(), stats.accepted(), stats.queued(), stats.decided());
        return queue;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String id(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    public List<String> classNames() {
        return predictor.classNames();
    }

    public synchronized Stats stats() {
        return new Stats(items.size(), accepted, queue.size(), decided.size(), unreadable);
    }

    /**
     * The most uncertain item nobody has decided and no other reviewer holds, now leased to {@code reviewer}; the
     * item the reviewer already holds, if any. Empty when none is left.
     */
    public synchronized Optional<Item> next(String reviewer) {
        Instant now = clock.instant();
        leases.values().removeIf(lease -> lease.until().isBefore(now));
        for (Item item : queue) {
            Lease lease = leases.get(item.id());
            if (!decided.containsKey(item.id()) && lease != null && lease.reviewer().equals(reviewer)) {
                // still looking at it: the lease runs on from now
                leases.put(item.id(), new Lease(reviewer, now.plus(LEASE)));
                return Optional.of(item);
            }
        }
        for (Item item : queue) {
            if (!decided.containsKey(item.id()) && !leases.containsKey(item.id())) {
                leases.values().removeIf(lease -> lease.reviewer().equals(reviewer));
                leases.put(item.id(), new Lease(reviewer, now.plus(LEASE)));
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    /** The explanation of an item's answer (occlusion), on the queue's own copy of the model. */
    public synchronized float[] explanation(Item item) {
        return Explainer.OCCLUSION.maps(predictor, predictor.encode(List.of(item.pixels())),
                new int[] {item.answer().best().classIndex()})[0];
    }

    /**
     * Records that {@code item} is of class {@code classIndex}: the image copied into {@code reviewed/<class>/}, then
     * the decision appended to the log and forced to the disk.
     *
     * @throws ServingError NOT_FOUND for an item not in the queue, INVALID_INPUT for a class that is not one,
     *                      CONFLICT for an item decided already or held by another reviewer
     */
    public synchronized Decision decide(String id, int classIndex, String reviewer) {
        Item item = items.get(id);
        if (item == null || item.accepted()) {
            throw ServingError.notFound("no item '" + id + "' to review");
        }
        if (classIndex < 0 || classIndex >= classNames().size()) {
            throw ServingError.invalid("class " + classIndex + " is not one of the model's " + classNames().size()
                    + " classes (0 to " + (classNames().size() - 1) + ")");
        }
        Decision earlier = decided.get(id);
        if (earlier != null) {
            throw ServingError.conflict("'" + id + "' was decided already, as " + earlier.label() + " by "
                    + earlier.reviewer());
        }
        Lease lease = leases.get(id);
        if (lease != null && !lease.reviewer().equals(reviewer) && lease.until().isAfter(clock.instant())) {
            throw ServingError.conflict("'" + id + "' is with another reviewer");
        }
        String label = classNames().get(classIndex);
        copy(item, label);
        Decision decision = new Decision(id, classIndex, label, item.answer().best().label(), reviewer,
                clock.instant().toString());
        decisionsLog.append(decision);
        decided.put(id, decision);
        leases.remove(id);
        return decision;
    }

    /**
     * The image into {@code reviewed/<class>/}, named after its path ('/' and '%' escaped, so two items never share a
     * name), through a temporary file forced to the disk and renamed, the folder then forced too; a copy an earlier,
     * unlogged decision left in another class's folder (a crash between copy and log) is removed, so an image is never
     * in two classes.
     */
    private void copy(Item item, String label) {
        Path reviewed = dir.resolve(REVIEWED);
        String name = item.id().replace("%", "%25").replace("/", "%2F");
        Path folder = reviewed.resolve(ClassFolder.name(label));
        Path target = folder.resolve(name);
        try {
            Files.createDirectories(folder);
            Path partial = Files.createTempFile(folder, ".copy-", ".part");
            try {
                Files.copy(item.file(), partial, StandardCopyOption.REPLACE_EXISTING);
                force(partial);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                force(folder);
                force(reviewed);
            } finally {
                Files.deleteIfExists(partial);
            }
            try (Stream<Path> classes = Files.list(reviewed)) {
                for (Path other : classes.filter(Files::isDirectory).filter(f -> !f.equals(folder)).toList()) {
                    Files.deleteIfExists(other.resolve(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + item.file() + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** A file's or a folder's content and entries to the disk (a folder's, so a rename survives a power cut). */
    static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** The decisions made so far, by item. */
    public synchronized Map<String, Decision> decisions() {
        return Map.copyOf(decided);
    }
}
