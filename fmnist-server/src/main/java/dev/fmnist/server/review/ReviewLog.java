package dev.fmnist.server.review;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of a review, one JSON object per line, appended and forced to the disk before a decision is
 * answered. A line torn by a crash is skipped when the log is read (with a warning), and the next decision starts on
 * a line of its own: nothing written before it is lost.
 */
final class ReviewLog {

    private static final Logger log = LoggerFactory.getLogger(ReviewLog.class);

    private final Path file;

    ReviewLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The decisions written so far, in order; none when there is no log yet. */
    List<Decision> read() {
        List<Decision> decisions = new ArrayList<>();
        if (!Files.exists(file)) {
            return decisions;
        }
        List<String> lines;
        try {
            // decoded leniently: a line torn inside a character is one bad line, not an unreadable log
            lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the review log " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                decisions.add(Decision.of(new JsonObject(line)));
            } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
                log.warn("Skipping line {} of the review log {}: not a decision ({}); a write cut short by a crash "
                        + "leaves such a line, and that decision is asked again", i + 1, file, e.getMessage());
            }
        }
        return decisions;
    }

    /** Appends a decision and forces it to the disk. */
    void append(Decision decision) {
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            // a torn last line (a crash mid-write) must not swallow this one
            String prefix = channel.size() > 0 && !endsWithNewline() ? "\n" : "";
            ByteBuffer bytes = ByteBuffer.wrap((prefix + decision.json().encode() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
            if (created) {
                ReviewQueue.force(file.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the decision to the review log " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private boolean endsWithNewline() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == '\n';
        }
    }
}
