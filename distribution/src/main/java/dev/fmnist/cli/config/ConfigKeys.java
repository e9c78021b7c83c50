package dev.fmnist.cli.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every key the platform reads. A key not listed here is refused in files and on the command line. */
public final class ConfigKeys {

    public static final ConfigKey SEED = new ConfigKey("seed", "42",
            "Seeds the data split, the per-epoch shuffles and weight initialization", false);
    public static final ConfigKey DATA_SOURCE = new ConfigKey("data.source", "fashion-mnist",
            "The images to work on: fashion-mnist, or folder:DIR for a folder with one sub-folder of images per class",
            false);
    public static final ConfigKey DATA_TEST_FRACTION = new ConfigKey("data.test-fraction", "0.2",
            "Share of each class of an image folder held out as test images (Fashion-MNIST has its own test set)",
            false);
    public static final ConfigKey DATA_DIR = new ConfigKey("data.dir", null,
            "A folder holding the four Fashion-MNIST IDX files (.gz or plain); when set, it must hold them", false);
    public static final ConfigKey DATA_SYSTEM_DIR = new ConfigKey("data.system-dir", "/usr/share/datasets/fashion-mnist",
            "Where Debian's dataset-fashion-mnist package puts the files", false);
    public static final ConfigKey DATA_CACHE_DIR = new ConfigKey("data.cache-dir", "${sys:user.home}/.cache/fmnist",
            "Where downloaded files are kept", false);
    public static final ConfigKey DATA_DOWNLOAD = new ConfigKey("data.download", "true",
            "Download the official files into the cache when no local copy is found", false);
    public static final ConfigKey DATA_BASE_URL = new ConfigKey("data.base-url",
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "Where the official files are downloaded from (a mirror may be given)", false);
    public static final ConfigKey DATA_VALIDATION_FRACTION = new ConfigKey("data.validation-fraction", "0.1",
            "Share of each class of the 60,000 training images held out for validation", false);
    public static final ConfigKey DATA_NORMALIZATION = new ConfigKey("data.normalization", "scale",
            "scale (pixel/255) or standardize (then minus the training mean, divided by its std)", false);

    public static final ConfigKey PLUGINS_DIR = new ConfigKey("plugins.dir", "${sys:fmnist.home:-.}/plugins",
            "The folder of model-plugin JARs (one JAR, or a sub-folder of JARs, per plugin)", false);
    public static final ConfigKey RUNS_DIR = new ConfigKey("runs.dir", "runs",
            "Where training runs are written, one folder per run", false);
    public static final ConfigKey TRAIN_EPOCHS = new ConfigKey("train.epochs", "20",
            "Epoch limit of a training run", false);
    public static final ConfigKey TRAIN_PATIENCE = new ConfigKey("train.patience", "4",
            "Epochs without improvement before early stopping; 0 turns it off (a new run with a cosine or one-cycle "
                    + "schedule trains all its epochs unless --patience asks)", false);
    public static final ConfigKey TRAIN_MONITOR = new ConfigKey("train.monitor", "val_accuracy",
            "The metric early stopping and the best checkpoint watch: val_accuracy or val_loss", false);
    public static final ConfigKey TRAIN_MIN_DELTA = new ConfigKey("train.min-delta", "0.0001",
            "Smallest change of the monitored metric that counts as an improvement", false);
    public static final ConfigKey TRAIN_AUGMENT = new ConfigKey("train.augment", "none",
            "Augmentation of training images: none, or a list of crop[:PADDING], flip, erase[:P[:AMIN-AMAX[:RATIO]]], "
                    + "photo[:P]", false);
    public static final ConfigKey TRAIN_RESTORE_BEST = new ConfigKey("train.restore-best", "true",
            "The run's model is the best epoch's (best.zip); false: the last epoch's (last.zip)", false);

    public static final ConfigKey TRAIN_THREADS = new ConfigKey("train.threads", "auto",
            "How a training uses the cores: auto (its first batches are timed with 1, half and all of the cores, and "
                    + "with 2 data-parallel workers of half the cores each, and the fastest kept), a number of native "
                    + "threads, or WxT (W data-parallel workers of T threads, e.g. 2x1); per model as MODEL:SETTING "
                    + "entries before the others' setting (cnn:1, resnet:2x1, auto), as `fmnist bench threads --write` "
                    + "writes it; an OMP_NUM_THREADS set before the launcher fixes what is auto",
            false);

    public static final ConfigKey NATIVE_HELPERS = new ConfigKey("native-helpers", "true",
            "Run DL4J's oneDNN layer helpers (convolution, pooling, batch normalization) in training, evaluation and "
                    + "serving; false for DL4J's built-in Java path", false);

    public static final ConfigKey SERVER_HOST = new ConfigKey("server.host", "127.0.0.1",
            "Address the server binds; 0.0.0.0 exposes it to the network", false);
    public static final ConfigKey SERVER_PORT = new ConfigKey("server.port", "8080", "Port of the server", false);
    public static final ConfigKey SERVER_GRPC_PORT = new ConfigKey("server.grpc-port", "-1",
            "Port of the Open Inference Protocol's gRPC service; -1: none, 0: a free one", false);
    public static final ConfigKey SERVER_MAX_BODY_BYTES = new ConfigKey("server.max-body-bytes", "8388608",
            "Largest request body; larger ones get 413", false);
    public static final ConfigKey SERVER_MAX_IMAGE_PIXELS = new ConfigKey("server.max-image-pixels", "40000000",
            "Largest image (width x height), checked from its header before decoding; larger ones get 413", false);
    public static final ConfigKey SERVER_MAX_BATCH_SIZE = new ConfigKey("server.max-batch-size", "64",
            "Most images in one forward pass, and in one request", false);
    public static final ConfigKey SERVER_BATCH_WAIT_MS = new ConfigKey("server.batch-wait-ms", "0",
            "How long a forward pass waits for more requests to join its batch; 0 takes those already waiting",
            false);
    public static final ConfigKey SERVER_BATCHING = new ConfigKey("server.batching", "true",
            "Join concurrent requests into one forward pass", false);
    public static final ConfigKey SERVER_FLIP_TTA = new ConfigKey("server.flip-tta", "false",
            "Answer with each image's probabilities averaged with its mirror image's (two forward passes)", false);
    public static final ConfigKey SERVER_QUEUE_CAPACITY = new ConfigKey("server.queue-capacity", "256",
            "Requests waiting per model before new ones get 503 with Retry-After", false);
    public static final ConfigKey SERVER_TIMEOUT_MS = new ConfigKey("server.timeout-ms", "10000",
            "A request not answered by then gets 503 with Retry-After", false);
    public static final ConfigKey SERVER_MAX_CONNECTIONS = new ConfigKey("server.max-connections", "1024",
            "HTTP connections open at once; one more is closed as soon as it is accepted", false);
    public static final ConfigKey SERVER_API_KEY = new ConfigKey("server.api-key", null,
            "When set, every route but health and the page needs Authorization: Bearer KEY", true);
    public static final ConfigKey SERVER_TLS_CERT = new ConfigKey("server.tls.cert", null,
            "A PEM certificate chain: with server.tls.key, HTTPS and gRPC over TLS", false);
    public static final ConfigKey SERVER_TLS_KEY = new ConfigKey("server.tls.key", null,
            "The PEM private key (PKCS#8) of server.tls.cert", false);
    public static final ConfigKey SERVER_PAYLOAD_LOG_FOLDER = new ConfigKey("server.payload-log.folder", null,
            "Where a sample of the answered requests is logged as JSON lines; unset: no payload log", false);
    public static final ConfigKey SERVER_PAYLOAD_LOG_SAMPLE = new ConfigKey("server.payload-log.sample", "0.01",
            "The share of answered requests the payload log keeps, from 0 to 1", false);
    public static final ConfigKey SERVER_PAYLOAD_LOG_MAX_FILE_MB = new ConfigKey("server.payload-log.max-file-mb",
            "64", "A payload log file is rotated once it would grow past this many MiB", false);
    public static final ConfigKey SERVER_PAYLOAD_LOG_MAX_FILES = new ConfigKey("server.payload-log.max-files", "10",
            "Payload log files kept, the one being written included; the oldest is deleted", false);
    public static final ConfigKey SERVER_PAYLOAD_LOG_INPUTS = new ConfigKey("server.payload-log.inputs", "false",
            "Log each image as the model saw it (base64 float32), not only its SHA-256", false);
    public static final ConfigKey SERVER_TRACING_OTLP_ENDPOINT = new ConfigKey("server.tracing.otlp-endpoint", null,
            "An OTLP/HTTP collector (e.g. http://localhost:4318) request traces are sent to; unset: no tracing", false);

    public static final List<ConfigKey> ALL = List.of(SEED, DATA_SOURCE, DATA_TEST_FRACTION, DATA_DIR,
            DATA_SYSTEM_DIR, DATA_CACHE_DIR, DATA_DOWNLOAD, DATA_BASE_URL, DATA_VALIDATION_FRACTION, DATA_NORMALIZATION, PLUGINS_DIR, RUNS_DIR, TRAIN_EPOCHS,
            TRAIN_PATIENCE, TRAIN_MONITOR, TRAIN_MIN_DELTA, TRAIN_RESTORE_BEST, TRAIN_AUGMENT, TRAIN_THREADS, NATIVE_HELPERS, SERVER_HOST, SERVER_PORT,
            SERVER_GRPC_PORT, SERVER_MAX_BODY_BYTES, SERVER_MAX_IMAGE_PIXELS, SERVER_MAX_BATCH_SIZE, SERVER_BATCH_WAIT_MS, SERVER_BATCHING, SERVER_FLIP_TTA,
            SERVER_QUEUE_CAPACITY, SERVER_TIMEOUT_MS, SERVER_MAX_CONNECTIONS, SERVER_API_KEY, SERVER_TLS_CERT,
            SERVER_TLS_KEY, SERVER_PAYLOAD_LOG_FOLDER, SERVER_PAYLOAD_LOG_SAMPLE, SERVER_PAYLOAD_LOG_MAX_FILE_MB,
            SERVER_PAYLOAD_LOG_MAX_FILES, SERVER_PAYLOAD_LOG_INPUTS, SERVER_TRACING_OTLP_ENDPOINT);

    private static final Map<String, ConfigKey> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

    private ConfigKeys() {}

    public static Optional<ConfigKey> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The known key closest to a misspelt one, if any is close. */
    public static Optional<String> closest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey key : ALL) {
            int distance = editDistance(name, key.name());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = key.name();
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? Optional.of(best) : Optional.empty();
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
