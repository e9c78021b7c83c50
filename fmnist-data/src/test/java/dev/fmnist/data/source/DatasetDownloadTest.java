package dev.fmnist.data.source;

import static dev.fmnist.data.IdxTestFiles.gzip;
import static dev.fmnist.data.IdxTestFiles.images;
import static dev.fmnist.data.IdxTestFiles.labels;
import static dev.fmnist.data.IdxTestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.fmnist.data.DataConfig;
import dev.fmnist.data.DataException;
import dev.fmnist.data.SourceChoice;
import dev.fmnist.image.encode.Normalization;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download path against a real HTTP server on loopback serving small IDX files. */
class DatasetDownloadTest {

    private static final byte[] TRAIN_IMAGES = images(4, 3, 3);
    private static final byte[] TRAIN_LABELS = labels(0, 1, 2, 1);
    private static final byte[] TEST_IMAGES = images(2, 3, 3);
    private static final byte[] TEST_LABELS = labels(2, 0);

    private static final DatasetFiles FILES = new DatasetFiles(
            new DatasetFile("train-images-idx3-ubyte", sha256(TRAIN_IMAGES)),
            new DatasetFile("train-labels-idx1-ubyte", sha256(TRAIN_LABELS)),
            new DatasetFile("t10k-images-idx3-ubyte", sha256(TEST_IMAGES)),
            new DatasetFile("t10k-labels-idx1-ubyte", sha256(TEST_LABELS)));

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        served.put("/fm/train-images-idx3-ubyte.gz", gzip(TRAIN_IMAGES));
        served.put("/fm/train-labels-idx1-ubyte.gz", gzip(TRAIN_LABELS));
        served.put("/fm/t10k-images-idx3-ubyte.gz", gzip(TEST_IMAGES));
        served.put("/fm/t10k-labels-idx1-ubyte.gz", gzip(TEST_LABELS));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fm/");
    }

    private DatasetLocator locator(boolean download) {
        DataConfig config = new DataConfig(Optional.empty(), "default", dir.resolve("no-debian"), dir.resolve("cache"),
                baseUrl(), download, 0.5, Normalization.Kind.SCALE, 1,
                SourceChoice.FASHION_MNIST, 0.2);
        return new DatasetLocator(config, FILES, new DatasetDownloader());
    }

    @Test
    void downloadsVerifiesAndThenUsesTheCache() {
        DatasetLocation location = locator(true).locate();

        Path cache = dir.resolve("cache/fashion-mnist");
        assertThat(location.folder()).isEqualTo(cache);
        assertThat(location.origin()).startsWith("downloaded from " + baseUrl());
        assertThat(FILES.missingIn(cache)).isEmpty();
        LoadedDataset loaded = new DatasetReader(FILES, List.of("a", "b", "c")).read(location);
        assertThat(loaded.trainingImages().count()).isEqualTo(4);
        assertThat(loaded.testImages().label(0)).isEqualTo(2);
        assertThat(loaded.allVerified()).isTrue();

        int before = requests.get();
        DatasetLocation again = locator(true).locate();
        assertThat(again.origin()).isEqualTo("download cache");
        assertThat(requests.get()).as("no second download").isEqualTo(before);
    }

    @Test
    void checksumMismatchDeletesTheFileAndSaysSo() throws IOException {
        served.put("/fm/t10k-labels-idx1-ubyte.gz", gzip(labels(1, 1)));

        assertThatThrownBy(() -> locator(true).locate())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("checksum mismatch for " + baseUrl() + "t10k-labels-idx1-ubyte.gz")
                .hasMessageContaining("expected SHA-256 " + sha256(TEST_LABELS))
                .hasMessageContaining("deleted");
        try (var listing = Files.list(dir.resolve("cache/fashion-mnist"))) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .as("no partial or unverified file is left behind")
                    .doesNotContain("t10k-labels-idx1-ubyte.gz")
                    .noneMatch(name -> name.endsWith(".part"));
        }
    }

    @Test
    void corruptDownloadIsRefused() {
        byte[] broken = gzip(TRAIN_IMAGES);
        served.put("/fm/train-images-idx3-ubyte.gz", java.util.Arrays.copyOf(broken, broken.length - 12));

        assertThatThrownBy(() -> locator(true).locate())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz is not a readable gzip/IDX file");
        assertThat(Files.exists(dir.resolve("cache/fashion-mnist/train-images-idx3-ubyte.gz"))).isFalse();
    }

    @Test
    void httpErrorIsReported() {
        served.remove("/fm/train-labels-idx1-ubyte.gz");

        assertThatThrownBy(() -> locator(true).locate())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("train-labels-idx1-ubyte.gz failed: HTTP 404");
    }

    @Test
    void withoutDownloadTheErrorListsWhereItLooked() {
        assertThatThrownBy(() -> locator(false).locate())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Fashion-MNIST not found")
                .hasMessageContaining(dir.resolve("no-debian").toString())
                .hasMessageContaining("data.download=true");
        assertThat(requests.get()).isZero();
    }
}
