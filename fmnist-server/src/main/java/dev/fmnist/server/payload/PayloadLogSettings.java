package dev.fmnist.server.payload;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of the payload log (keys {@code server.payload-log.*}).
 *
 * @param folder       where the files are written; empty: no payload log
 * @param sample       the share of answered requests logged, from 0 to 1
 * @param maxFileBytes a file is rotated once it would grow past this
 * @param maxFiles     files kept, the one being written included; the oldest is deleted
 * @param inputs       whether each image as the model saw it is logged (base64 of its float32 values), not only
 *                     its SHA-256
 */
public record PayloadLogSettings(Optional<Path> folder, double sample, long maxFileBytes, int maxFiles,
        boolean inputs) {

    public static final PayloadLogSettings OFF = new PayloadLogSettings(Optional.empty(), 0, 64L << 20, 10, false);

    public PayloadLogSettings {
        if (!(sample >= 0 && sample <= 1)) {
            throw new IllegalArgumentException("the payload log's sample is a share from 0 to 1, got " + sample);
        }
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("a payload log file may hold 1024 bytes at least, got " + maxFileBytes);
        }
        if (maxFiles < 1) {
            throw new IllegalArgumentException("the payload log keeps 1 file at least, got " + maxFiles);
        }
    }

    /** Logging every answered request into {@code folder}, the other settings as they are. */
    public static PayloadLogSettings into(Path folder, double sample) {
        return new PayloadLogSettings(Optional.of(folder), sample, OFF.maxFileBytes(), OFF.maxFiles(), false);
    }

    public boolean enabled() {
        return folder.isPresent() && sample > 0;
    }
}
