package dev.fmnist.server.payload;

import dev.fmnist.runtime.predict.EncodedBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sampled log of answered requests, one JSON line each: when, the request's id, protocol, model and version, the
 * latency, each image's SHA-256 (and the image itself when asked) and the answer. Requests only put an entry in a
 * bounded buffer; a thread of its own hashes, encodes and writes, so a slow disk never slows an answer. A full
 * buffer drops the entry, counted in {@code fmnist_payload_log_dropped_total}. Never holds the API key or any header.
 */
public final class PayloadLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PayloadLog.class);
    /** Entries waiting for the writer: about a second of a busy server's answers. */
    static final int BUFFER = 4096;
    /** What the entries waiting may hold in all (their images mostly): a slow disk costs lines, never the heap. */
    static final long BUFFER_BYTES = 64L << 20;
    /** A client's request id is kept to this many characters. */
    static final int MAX_ID = 128;
    static final String FILE = "payloads.jsonl";

    /**
     * One answered request.
     *
     * @param requestId     the client's id (cut to 128 characters); null or empty for one the writer makes
     * @param protocol      {@code rest} or {@code grpc}
     * @param input         the images as the model saw them
     * @param probabilities the answer, a row per image
     * @param latencyNanos  from the request's arrival to its answer
     */
    public record Entry(Instant time, String requestId, String protocol, String model, String version,
            EncodedBatch input, float[][] probabilities, List<String> classNames, long latencyNanos) {

        /** Roughly what it holds in memory. */
        long bytes() {
            return 4L * input.rows().length + 4L * probabilities.length * classNames.size()
                    + (requestId == null ? 0 : 2L * requestId.length()) + 256;
        }
    }

    private final PayloadLogSettings settings;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(BUFFER);
    private final Counter written;
    private final Counter dropped;
    private final Thread writer;
    private final java.util.concurrent.atomic.AtomicLong buffered = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private boolean failing;

    private PayloadLog(PayloadLogSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.written = Counter.builder("fmnist.payload.log.written").description("answered requests logged")
                .register(registry);
        this.dropped = Counter.builder("fmnist.payload.log.dropped")
                .description("answered requests sampled for the log but dropped: its buffer was full")
                .register(registry);
        if (settings.enabled()) {
            try {
                Files.createDirectories(settings.folder().orElseThrow());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the payload log folder " + settings.folder().get() + ": "
                        + e.getMessage(), e);
            }
            this.writer = new Thread(this::run, "fmnist-payload-log");
            this.writer.setDaemon(true);
            this.writer.start();
        } else {
            this.writer = null;
        }
    }

    /** The log of these settings (one that logs nothing when they are off). */
    public static PayloadLog open(PayloadLogSettings settings, MeterRegistry registry) {
        return new PayloadLog(settings, registry);
    }

    /** Whether this request is one of the sample: cheap, and false at once when the log is off. */
    public boolean sampled() {
        return writer != null && (settings.sample() >= 1 || ThreadLocalRandom.current().nextDouble() < settings.sample());
    }

    /** Hands an entry to the writer, or drops it (counted) when the buffer is full. Never blocks. */
    public void add(Entry entry) {
        long bytes = entry.bytes();
        if (!running || buffered.addAndGet(bytes) > BUFFER_BYTES || !queue.offer(entry)) {
            buffered.addAndGet(-bytes);
            dropped.increment();
        }
    }

    private void run() {
        Path folder = settings.folder().orElseThrow();
        Path file = folder.resolve(FILE);
        OutputStream out = null;
        long size = 0;
        while (running || !queue.isEmpty()) {
            try {
                Entry entry = queue.poll(200, TimeUnit.MILLISECONDS);
                if (entry == null) {
                    continue;
                }
                buffered.addAndGet(-entry.bytes());
                byte[] line = (line(entry).encode() + "\n").getBytes(StandardCharsets.UTF_8);
                if (out == null) {
                    Files.createDirectories(folder);
                    size = Files.exists(file) ? Files.size(file) : 0;
                    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                if (size > 0 && size + line.length > settings.maxFileBytes()) {
                    out.close();
                    out = null;
                    rotate(folder);
                    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    size = 0;
                }
                out.write(line);
                size += line.length;
                if (queue.isEmpty()) {
                    out.flush();
                }
                written.increment();
                failing = false;
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                // a full disk loses log lines, never answers; said once until a line is written again
                if (!failing) {
                    log.warn("The payload log cannot write to {}: {}", file, e.toString());
                    failing = true;
                }
                dropped.increment();
                out = closeQuietly(out);
            }
        }
        closeQuietly(out);
    }

    /** {@code payloads.jsonl} becomes {@code payloads.1.jsonl}, the older ones move up, the oldest goes. */
    private void rotate(Path folder) throws IOException {
        int kept = settings.maxFiles() - 1;
        if (kept == 0) {
            Files.deleteIfExists(folder.resolve(FILE));
            return;
        }
        Files.deleteIfExists(rotated(folder, kept));
        for (int i = kept - 1; i >= 1; i--) {
            if (Files.exists(rotated(folder, i))) {
                Files.move(rotated(folder, i), rotated(folder, i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(folder.resolve(FILE), rotated(folder, 1), StandardCopyOption.REPLACE_EXISTING);
    }

    static Path rotated(Path folder, int index) {
        return folder.resolve("payloads." + index + ".jsonl");
    }

    private JsonObject line(Entry entry) {
        int width = entry.input().rows().length / entry.input().count();
        JsonArray inputs = new JsonArray();
        for (int i = 0; i < entry.input().count(); i++) {
            ByteBuffer row = ByteBuffer.allocate(width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            row.asFloatBuffer().put(entry.input().rows(), i * width, width);
            JsonObject input = new JsonObject().put("sha256", sha256(row.array()));
            if (settings.inputs()) {
                input.put("float32", Base64.getEncoder().encodeToString(row.array()));
            }
            inputs.add(input);
        }
        JsonArray outputs = new JsonArray();
        for (float[] probabilities : entry.probabilities()) {
            int best = 0;
            JsonArray all = new JsonArray();
            for (int c = 0; c < probabilities.length; c++) {
                all.add(probabilities[c]);
                best = probabilities[c] > probabilities[best] ? c : best;
            }
            outputs.add(new JsonObject().put("label", entry.classNames().get(best))
                    .put("probability", probabilities[best]).put("probabilities", all));
        }
        String id = entry.requestId() == null || entry.requestId().isEmpty() ? java.util.UUID.randomUUID().toString()
                : entry.requestId().length() > MAX_ID ? entry.requestId().substring(0, MAX_ID) : entry.requestId();
        return new JsonObject().put("time", entry.time().toString()).put("request_id", id)
                .put("protocol", entry.protocol()).put("model", entry.model()).put("version", entry.version())
                .put("latency_ms", entry.latencyNanos() / 1e6).put("inputs", inputs).put("outputs", outputs);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static OutputStream closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                log.debug("closing the payload log", e);
            }
        }
        return null;
    }

    /** Writes what the buffer holds (for up to 5 s), then stops; what is left is counted as dropped. */
    @Override
    public void close() {
        running = false;
        if (writer != null) {
            try {
                writer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        while (queue.poll() != null) {
            dropped.increment();
        }
    }
}
