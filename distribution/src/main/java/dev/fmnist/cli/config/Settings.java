package dev.fmnist.cli.config;

import static dev.fmnist.cli.config.ConfigKeys.DATA_BASE_URL;
import static dev.fmnist.cli.config.ConfigKeys.DATA_CACHE_DIR;
import static dev.fmnist.cli.config.ConfigKeys.DATA_DIR;
import static dev.fmnist.cli.config.ConfigKeys.DATA_DOWNLOAD;
import static dev.fmnist.cli.config.ConfigKeys.DATA_NORMALIZATION;
import static dev.fmnist.cli.config.ConfigKeys.DATA_SOURCE;
import static dev.fmnist.cli.config.ConfigKeys.DATA_SYSTEM_DIR;
import static dev.fmnist.cli.config.ConfigKeys.DATA_TEST_FRACTION;
import static dev.fmnist.cli.config.ConfigKeys.DATA_VALIDATION_FRACTION;
import static dev.fmnist.cli.config.ConfigKeys.NATIVE_HELPERS;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_PAYLOAD_LOG_FOLDER;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_PAYLOAD_LOG_INPUTS;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_PAYLOAD_LOG_MAX_FILES;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_PAYLOAD_LOG_MAX_FILE_MB;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_PAYLOAD_LOG_SAMPLE;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_TRACING_OTLP_ENDPOINT;
import static dev.fmnist.cli.config.ConfigKeys.PLUGINS_DIR;
import static dev.fmnist.cli.config.ConfigKeys.RUNS_DIR;
import static dev.fmnist.cli.config.ConfigKeys.SEED;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_API_KEY;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_TLS_CERT;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_TLS_KEY;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_BATCHING;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_BATCH_WAIT_MS;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_FLIP_TTA;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_GRPC_PORT;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_HOST;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_MAX_BATCH_SIZE;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_MAX_BODY_BYTES;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_MAX_IMAGE_PIXELS;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_PORT;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_QUEUE_CAPACITY;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_MAX_CONNECTIONS;
import static dev.fmnist.cli.config.ConfigKeys.SERVER_TIMEOUT_MS;
import static dev.fmnist.cli.config.ConfigKeys.TRAIN_AUGMENT;
import static dev.fmnist.cli.config.ConfigKeys.TRAIN_EPOCHS;
import static dev.fmnist.cli.config.ConfigKeys.TRAIN_MIN_DELTA;
import static dev.fmnist.cli.config.ConfigKeys.TRAIN_MONITOR;
import static dev.fmnist.cli.config.ConfigKeys.TRAIN_PATIENCE;
import static dev.fmnist.cli.config.ConfigKeys.TRAIN_RESTORE_BEST;
import static dev.fmnist.cli.config.ConfigKeys.TRAIN_THREADS;

import dev.fmnist.data.DataConfig;
import dev.fmnist.data.SourceChoice;
import dev.fmnist.data.augment.Augmentation;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.payload.PayloadLogSettings;
import dev.fmnist.training.TrainingConfig;
import dev.fmnist.training.ThreadSettings;
import dev.fmnist.training.TrainingThreads;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The typed settings of every module, read from one {@link PlatformConfig}: each module's Guice module
 * receives its own small config record and never sees the configuration library.
 */
public record Settings(PlatformConfig config, DataConfig data, Path pluginsDir, TrainingConfig training,
        ServerConfig server, boolean nativeHelpers) {

    /** @throws ConfigException listing every bad value at once */
    public static Settings read(PlatformConfig config) {
        ConfigReader reader = new ConfigReader(config);
        long seed = reader.longValue(SEED);
        Optional<Path> dataDir = reader.optionalPath(DATA_DIR);
        Path systemDir = reader.path(DATA_SYSTEM_DIR);
        Path cacheDir = reader.path(DATA_CACHE_DIR);
        URI baseUrl = reader.httpUrl(DATA_BASE_URL);
        boolean download = reader.bool(DATA_DOWNLOAD);
        double validationFraction = reader.doubleBetween(DATA_VALIDATION_FRACTION, 0, 1);
        Normalization.Kind normalization = reader.choice(DATA_NORMALIZATION, Normalization.Kind.class);
        SourceChoice source = SourceChoice.FASHION_MNIST;
        try {
            source = SourceChoice.parse(reader.string(DATA_SOURCE));
        } catch (IllegalArgumentException e) {
            reader.problem(DATA_SOURCE, e.getMessage());
        }
        double testFraction = reader.doubleBetween(DATA_TEST_FRACTION, 0, 1);
        Path pluginsDir = reader.path(PLUGINS_DIR);
        Path runsDir = reader.path(RUNS_DIR);
        int epochs = reader.intAtLeast(TRAIN_EPOCHS, 1);
        int patience = reader.intAtLeast(TRAIN_PATIENCE, 0);
        String monitor = reader.oneOf(TRAIN_MONITOR, "val_loss", "val_accuracy");
        double minDelta = reader.doubleAtLeast(TRAIN_MIN_DELTA, 0);
        boolean restoreBest = reader.bool(TRAIN_RESTORE_BEST);
        String augmentation = reader.string(TRAIN_AUGMENT);
        try {
            augmentation = Augmentation.parse(augmentation).toString();
        } catch (IllegalArgumentException e) {
            reader.problem(TRAIN_AUGMENT, e.getMessage());
        }
        ThreadSettings threads = ThreadSettings.of(TrainingThreads.auto());
        try {
            threads = ThreadSettings.parse(reader.string(TRAIN_THREADS));
        } catch (IllegalArgumentException e) {
            reader.problem(TRAIN_THREADS, e.getMessage());
        }
        if (Boolean.getBoolean("fmnist.threads.pinned")) {
            // the user's OMP_NUM_THREADS, seen by the launcher, is their choice where the configuration says auto
            threads = threads.pinned();
        }
        boolean nativeHelpers = reader.bool(NATIVE_HELPERS);
        ServerConfig server = new ServerConfig(reader.string(SERVER_HOST), reader.intBetween(SERVER_PORT, 0, 65535),
                reader.intAtLeast(SERVER_MAX_BODY_BYTES, 1024), reader.longAtLeast(SERVER_MAX_IMAGE_PIXELS, 784),
                reader.intAtLeast(SERVER_MAX_BATCH_SIZE, 1), reader.intAtLeast(SERVER_BATCH_WAIT_MS, 0),
                reader.intAtLeast(SERVER_QUEUE_CAPACITY, 1), reader.intAtLeast(SERVER_TIMEOUT_MS, 1),
                reader.bool(SERVER_BATCHING), reader.optionalString(SERVER_API_KEY), reader.bool(SERVER_FLIP_TTA),
                reader.intBetween(SERVER_GRPC_PORT, -1, 65535), tls(reader),
                reader.intAtLeast(SERVER_MAX_CONNECTIONS, 1), new PayloadLogSettings(
                        reader.optionalPath(SERVER_PAYLOAD_LOG_FOLDER), reader.share(SERVER_PAYLOAD_LOG_SAMPLE),
                        reader.intBetween(SERVER_PAYLOAD_LOG_MAX_FILE_MB, 1, 1 << 20) * (1L << 20),
                        reader.intBetween(SERVER_PAYLOAD_LOG_MAX_FILES, 1, 10_000), reader.bool(SERVER_PAYLOAD_LOG_INPUTS)),
                reader.optionalString(SERVER_TRACING_OTLP_ENDPOINT).map(set -> reader.httpUrl(SERVER_TRACING_OTLP_ENDPOINT)));
        reader.check();
        DataConfig data = new DataConfig(dataDir, config.source(DATA_DIR), systemDir, cacheDir, baseUrl, download,
                validationFraction, normalization, seed, source, testFraction);
        TrainingConfig training = new TrainingConfig(runsDir, epochs, patience, monitor, minDelta, restoreBest,
                augmentation, threads);
        return new Settings(config, data, pluginsDir, training, server, nativeHelpers);
    }

    private static boolean pkcs8(Path key) {
        try (var lines = java.nio.file.Files.lines(key)) {
            return lines.map(String::strip).filter(line -> !line.isEmpty()).findFirst()
                    .map(line -> line.equals("-----BEGIN PRIVATE KEY-----")).orElse(false);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** The certificate and key, both or neither, each a readable file, the key in PKCS#8. */
    private static Optional<ServerConfig.Tls> tls(ConfigReader reader) {
        Optional<Path> certificate = reader.optionalPath(SERVER_TLS_CERT);
        Optional<Path> key = reader.optionalPath(SERVER_TLS_KEY);
        if (certificate.isPresent() != key.isPresent()) {
            ConfigKey given = certificate.isPresent() ? SERVER_TLS_CERT : SERVER_TLS_KEY;
            ConfigKey missing = certificate.isPresent() ? SERVER_TLS_KEY : SERVER_TLS_CERT;
            reader.problem(given, "needs " + missing.name() + " too: set both for TLS, or neither");
            return Optional.empty();
        }
        if (certificate.isEmpty()) {
            return Optional.empty();
        }
        boolean readable = true;
        for (var file : java.util.Map.of(SERVER_TLS_CERT, certificate.get(), SERVER_TLS_KEY, key.get()).entrySet()) {
            if (!java.nio.file.Files.isRegularFile(file.getValue()) || !java.nio.file.Files.isReadable(file.getValue())) {
                reader.problem(file.getKey(), "no readable file at " + file.getValue());
                readable = false;
            }
        }
        if (readable && !pkcs8(key.get())) {
            // Vert.x reads other key forms, gRPC's Netty only this one: refused here, not half-started
            reader.problem(SERVER_TLS_KEY, key.get() + " is not a PKCS#8 key (BEGIN PRIVATE KEY); convert it with "
                    + "openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem");
            readable = false;
        }
        return readable ? Optional.of(new ServerConfig.Tls(certificate.get(), key.get())) : Optional.empty();
    }
}
