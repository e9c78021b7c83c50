package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.plugins.PluginClasses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile or careless client against a real server on loopback with an API key and a models folder: requests
 * written byte for byte on a socket, so that no client library tidies a path up first. After each attack the
 * server must still answer health.
 */
@Tag("dataset")
class HostileClientTest {

    private static final String KEY = "s3cret-key";

    @TempDir
    static Path dir;

    static Path models;
    static PredictionServer server;

    @BeforeAll
    static void start() throws IOException {
        models = Files.createDirectories(dir.resolve("models"));
        ModelRepositoryTest.copy(TestModels.mlp(), models.resolve("m"));
        ModelRepositoryTest.copy(TestModels.mlp(), dir.resolve("outside-run"));
        server = PredictionServer.start(ServerConfig.defaults().withPort(0).withApiKey(KEY), List.of(),
                Optional.of(models), "test", PluginClasses.platform());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The status line's code and the body of a request sent as these exact bytes. */
    record Raw(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    private static Raw raw(String method, String target, String body, String... headers) {
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        boolean hasHost = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            hasHost |= headers[i].equalsIgnoreCase("Host");
        }
        if (!hasHost) {
            request.append("Host: 127.0.0.1:").append(server.port()).append("\r\n");
        }
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        request.append("Content-Length: ").append(content.length).append("\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(response);
            }
            String text = response.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            int start = text.indexOf("\r\n\r\n");
            return new Raw(status, start < 0 ? "" : text.substring(start + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bearer() {
        return "Bearer " + KEY;
    }

    private static void stillServes() {
        Raw health = raw("GET", "/v2/health/ready", "");
        assertThat(health.status()).as("health after the attack").isEqualTo(200);
    }

    @Test
    void aPathWrittenAnotherWayNeedsTheKeyAsThePathItReaches() {
        for (String path : List.of("/metrics", "//metrics", "/./metrics", "/%6detrics", "/v2/../metrics",
                "/v2/models/m", "/v2//models/m", "/v2/./models/m", "/v2/models/x/../m", "/v2/%6dodels/m",
                "/api/models", "//api/models", "/v2", "/v2/", "/v2/health/../models/m", "/v2/health/ready/../../models/m",
                "/v2/health/live/..%2f..%2fmodels/m")) {
            Raw anonymous = raw("GET", path, "");
            assertThat(anonymous.status()).as("GET %s without the key", path).isIn(401, 404);
            if (anonymous.status() == 404) {
                // a path the router does not match reaches nothing; one it matches needs the key
                assertThat(raw("GET", path, "", "Authorization", bearer()).status()).as("GET %s with the key", path)
                        .isEqualTo(404);
            }
        }
        for (String path : List.of("/v2/repository/index", "//v2/repository/index", "/v2/./repository/index",
                "/v2/%72epository/index", "/v2/models/m/infer", "/v2/models/m/../m/infer")) {
            Raw anonymous = raw("POST", path, "{}", "Content-Type", "application/json");
            assertThat(anonymous.status()).as("POST %s without the key", path).isEqualTo(401);
            assertThat(anonymous.json().getString("error")).contains("needs an API key");
        }
        stillServes();
    }

    /** Invented methods cannot grow the metrics: they are counted under one label value. */
    @Test
    void inventedMethodsAreCountedAsOther() {
        for (int i = 0; i < 5; i++) {
            raw("BREW" + i, "/v2/health/live", "");
        }
        String metrics = raw("GET", "/metrics", "", "Authorization", bearer()).body();
        assertThat(metrics).doesNotContain("BREW").contains("method=\"OTHER\"");
        stillServes();
    }

    /**
     * Sockets opened and held, silent, cannot take the server: once the three the cap allows are counted in, a
     * fourth is closed unanswered; their places are free again when they close.
     */
    @Test
    void connectionsOverTheCapAreClosedAndTheirPlacesFreedWhenOthersClose() throws Exception {
        try (PredictionServer capped = PredictionServer.start(ServerConfig.defaults().withPort(0).withMaxConnections(3),
                List.of(new ModelSource("m", TestModels.mlp())), "test")) {
            List<Socket> silent = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    silent.add(new Socket("127.0.0.1", capped.port()));
                }
                // the server counts them in as it accepts them; a probe is refused once it has
                boolean refused = false;
                for (int attempt = 0; attempt < 100 && !refused; attempt++) {
                    refused = probe(capped.port()) == -1;
                    if (!refused) {
                        Thread.sleep(100);
                    }
                }
                assertThat(refused).as("a connection over the cap of 3 silent ones is closed unanswered").isTrue();
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
            int status = 0;
            for (int attempt = 0; attempt < 100 && status != 200; attempt++) {
                try {
                    status = new Http(capped.port()).get("/v2/health/live").status();
                } catch (RuntimeException closed) {
                    Thread.sleep(100);
                }
            }
            assertThat(status).as("served again once the silent ones closed").isEqualTo(200);
        }
    }

    /** The first byte of the answer to a health request on a new connection; -1 when it is closed unanswered. */
    private static int probe(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            return socket.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1; // closed by the server before or while we wrote
        }
    }

    @Test
    void healthAndThePageAreOpenAndNothingElseIs() {
        for (String path : List.of("/v2/health/live", "/v2/health/ready", "/", "/index.html", "/app.js", "/style.css")) {
            assertThat(raw("GET", path, "").status()).as("GET %s", path).isEqualTo(200);
        }
        assertThat(raw("GET", "/v2/models/m/ready", "").status()).isEqualTo(401);
        assertThat(raw("GET", "/v2/models/m/ready", "", "Authorization", bearer()).status()).isEqualTo(200);
    }

    @Test
    void crossSiteAndRebindingRequestsAreRefused() {
        Raw crossSite = raw("POST", "/v2/repository/models/m/unload", "", "Authorization", bearer(), "Origin",
                "https://evil.example");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.json().getString("error")).contains("cross-site request refused");
        Raw rebinding = raw("GET", "/v2/health/ready", "", "Host", "evil.example:" + server.port());
        assertThat(rebinding.status()).isEqualTo(403);
        assertThat(rebinding.json().getString("error")).contains("does not name this server");
        // the page's own origin is this server's
        Raw sameOrigin = raw("POST", "/v2/repository/index", "{}", "Authorization", bearer(), "Content-Type",
                "application/json", "Origin", "http://127.0.0.1:" + server.port());
        assertThat(sameOrigin.status()).isEqualTo(200);
        // behind a TLS-terminating proxy that passes the Host through, the page's origin is https
        Raw proxied = raw("POST", "/v2/repository/index", "{}", "Authorization", bearer(), "Content-Type",
                "application/json", "Origin", "https://127.0.0.1:" + server.port());
        assertThat(proxied.status()).isEqualTo(200);
        Raw localhost = raw("POST", "/v2/repository/index", "{}", "Authorization", bearer(), "Content-Type",
                "application/json", "Host", "localhost:" + server.port(), "Origin", "http://localhost:" + server.port());
        assertThat(localhost.status()).isEqualTo(200);
        stillServes();
        assertThat(raw("GET", "/v2/models/m/ready", "", "Authorization", bearer()).status()).as("m still loaded")
                .isEqualTo(200);
    }

    @Test
    void jsonIsTakenOnlyAsJson() {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            Raw load = raw("POST", "/v2/repository/models/m/load", "{\"parameters\":{\"run\":\"m\"}}", "Authorization",
                    bearer(), "Content-Type", type);
            assertThat(load.status()).as("load as %s", type).isEqualTo(415);
            assertThat(load.json().getString("error")).contains("send the JSON as application/json");
            Raw infer = raw("POST", "/v2/models/m/infer", "{\"inputs\":[]}", "Authorization", bearer(), "Content-Type",
                    type);
            assertThat(infer.status()).as("infer as %s", type).isIn(415);
        }
        stillServes();
    }

    /** One sentence for every path outside the models folder, whether it exists or not: no probing of the disk. */
    @Test
    void theRepositoryLoadsOnlyFromTheModelsFolder() throws IOException {
        Path link = models.resolve("link-out");
        Files.createSymbolicLink(link, dir.resolve("outside-run"));
        List<String> outside = List.of(dir.resolve("outside-run").toString(), "/etc", "/nonexistent/run", "../outside-run",
                "../no-such-run", "m/../../outside-run", "link-out", "link-out/../m/../..", "");
        for (String run : outside) {
            Raw load = raw("POST", "/v2/repository/models/x/load", new JsonObject().put("parameters",
                    new JsonObject().put("run", run)).encode(), "Authorization", bearer(), "Content-Type",
                    "application/json");
            if (run.isEmpty()) {
                assertThat(load.status()).as("an empty run is no run: the name is looked up").isEqualTo(404);
                continue;
            }
            assertThat(load.status()).as("load run '%s'", run).isEqualTo(400);
            assertThat(load.json().getString("error")).as("load run '%s'", run)
                    .isEqualTo("'" + run + "' is not in the models folder; name a run folder of it, such as "
                            + "'cnn-20261124-101500'");
        }
        Raw index = raw("POST", "/v2/repository/models/m/load", new JsonObject().put("parameters",
                new JsonObject().put("index", "/etc")).encode(), "Authorization", bearer(), "Content-Type",
                "application/json");
        assertThat(index.status()).isEqualTo(400);
        assertThat(index.json().getString("error")).startsWith("'/etc' is not in the models folder");
        // nor is the link served under its own name
        Raw byName = raw("POST", "/v2/repository/models/link-out/load", "", "Authorization", bearer());
        assertThat(byName.status()).isEqualTo(404);
        stillServes();
    }

    @Test
    void aServerWithoutAModelsFolderLoadsNoPathAClientNames() {
        try (PredictionServer plain = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("m", TestModels.mlp())), "test")) {
            Http http = new Http(plain.port());
            Http.Response load = http.postJson("/v2/repository/models/m/load",
                    new JsonObject().put("parameters", new JsonObject().put("run", TestModels.cnn().toString())));
            assertThat(load.status()).isEqualTo(400);
            assertThat(load.json().getString("error")).contains("this server has no models folder");
            assertThat(http.postJson("/v2/repository/models/m/load", new JsonObject()).status())
                    .as("reloading what the command line named").isEqualTo(200);
        }
    }

    /** A model file carrying preprocessor.bin, which DL4J would deserialize: refused, the server unharmed. */
    @Test
    void aModelFileWithADeserializedEntryIsRefusedAndNothingIsStuckLoading() throws IOException {
        Path hostile = models.resolve("hostile");
        ModelRepositoryTest.copy(TestModels.mlp(), hostile);
        for (Path file : List.of(hostile.resolve("best.zip"), hostile.resolve("last.zip"))) {
            if (Files.exists(file)) {
                try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
                    Files.write(zip.getPath("preprocessor.bin"), new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5});
                }
            }
        }
        Raw load = raw("POST", "/v2/repository/models/hostile/load", "", "Authorization", bearer());
        assertThat(load.status()).isEqualTo(400);
        assertThat(load.json().getString("error")).contains("holds the entry 'preprocessor.bin'")
                .contains("refused unread");
        JsonArray entries = new JsonArray(raw("POST", "/v2/repository/index", "{}", "Authorization", bearer(),
                "Content-Type", "application/json").body());
        for (int i = 0; i < entries.size(); i++) {
            assertThat(entries.getJsonObject(i).getString("state")).as(entries.getJsonObject(i).encode())
                    .isNotEqualTo("LOADING");
        }
        stillServes();
    }

    @Test
    void valuesTheModelCannotTakeAreRefusedWithTheRange() {
        float[] pixels = new float[784];
        Arrays.fill(pixels, 0.5f);
        pixels[100] = 1e30f;
        JsonArray data = new JsonArray();
        for (float p : pixels) {
            data.add(p);
        }
        Raw far = infer(new JsonObject().put("name", "input").put("datatype", "FP32")
                .put("shape", new JsonArray().add(1).add(784)).put("data", data));
        assertThat(far.status()).isEqualTo(400);
        assertThat(far.json().getString("error")).contains("at element 100").contains("FP32 pixels are in [0, 1]");

        // nesting that is not the shape's, though its values add up: two arrays of 392 under a shape of [1, 784]
        JsonArray ragged = new JsonArray().add(new JsonArray(data.getList().subList(0, 392)))
                .add(new JsonArray(data.getList().subList(392, 784)));
        Raw uneven = infer(new JsonObject().put("name", "input").put("datatype", "UINT8")
                .put("shape", new JsonArray().add(1).add(784)).put("data", ragged));
        assertThat(uneven.status()).isEqualTo(400);
        assertThat(uneven.json().getString("error")).contains("nested data follows the shape exactly");
        JsonArray mixed = new JsonArray().add(0).add(new JsonArray(data.getList().subList(0, 782))).add(0);
        Raw flatAndNested = infer(new JsonObject().put("name", "input").put("datatype", "FP32")
                .put("shape", new JsonArray().add(1).add(784)).put("data", mixed));
        assertThat(flatAndNested.status()).isEqualTo(400);
        assertThat(flatAndNested.json().getString("error")).contains("nested data follows the shape exactly");

        String header = new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
                .put("datatype", "UINT8").put("shape", new JsonArray().add(1).add(784))
                .put("parameters", new JsonObject().put("binary_data_size", 784.5)))).encode();
        Raw half = raw("POST", "/v2/models/m/infer", header + "x".repeat(784), "Authorization", bearer(),
                "Content-Type", "application/octet-stream", "Inference-Header-Content-Length",
                Integer.toString(header.length()));
        assertThat(half.status()).isEqualTo(400);
        assertThat(half.json().getString("error")).contains("binary_data_size must be 784 bytes");
        stillServes();
    }

    /**
     * Image bombs: a PNG of a few hundred bytes declaring a 6,000 px square of 16-bit RGBA (36 M pixels, under the
     * pixel cap, 288 MB once decoded), eight at once: each refused from its header, before anything is allocated
     * for it. And a format no catalog sends (TIFF) is refused as such.
     */
    @Test
    void imageBombsAreRefusedFromTheirHeaderAndFormatsNoCatalogSendsAreRefused() throws Exception {
        byte[] bomb = pngHeader(6_000, 6_000, 16, 6);
        assertThat(bomb.length).isLessThan(1_000);
        Http http = new Http(server.port()).withKey(KEY);
        List<java.util.concurrent.CompletableFuture<Http.Response>> posted = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            posted.add(http.postAsync("/v2/models/m/classify", "image/png", bomb));
        }
        for (var response : posted) {
            Http.Response answered = response.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answered.status()).isEqualTo(413);
            assertThat(answered.json().getString("error")).contains("6000x6000 pixels of 8 bytes each")
                    .contains("bytes decoded; at most");
        }
        java.awt.image.BufferedImage small = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        assertThat(javax.imageio.ImageIO.write(small, "tiff", tiff)).as("a TIFF writer").isTrue();
        Http.Response refused = http.post("/v2/models/m/classify", "image/png", tiff.toByteArray());
        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.json().getString("error")).contains(" image; send PNG, JPEG, GIF, BMP or WebP")
                .containsIgnoringCase("tif");
        stillServes();
    }

    /**
     * Eight 9-megapixel RGBA photos at once, each a few kB as a file and 36 MB decoded: all are answered, the
     * decodes never reserve more than the process's decoding memory (a quarter of the heap), and the heap in use
     * after a collection is back where it was.
     */
    @Test
    void largePhotosAtOnceStayWithinTheDecodingMemory() throws Exception {
        java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(3_000, 3_000,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        java.awt.Graphics2D g = photo.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 3_000, 3_000);
        g.setColor(java.awt.Color.DARK_GRAY);
        g.fillRect(900, 600, 1_200, 1_800);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(photo, "png", png);
        photo = null;
        java.lang.management.MemoryMXBean heap = java.lang.management.ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = heap.getHeapMemoryUsage().getUsed();
        Http http = new Http(server.port()).withKey(KEY);
        List<java.util.concurrent.CompletableFuture<Http.Response>> posted = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            posted.add(http.postAsync("/v2/models/m/classify", "image/png", png.toByteArray()));
        }
        for (var response : posted) {
            Http.Response answered = response.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answered.status()).as(answered.body()).isEqualTo(200);
            assertThat(answered.json().getJsonArray("predictions")).hasSize(1);
        }
        dev.fmnist.image.DecodingMemory memory = dev.fmnist.image.DecodingMemory.shared();
        assertThat(memory.peakBytes()).as("reserved at once").isGreaterThanOrEqualTo(54_000_000L)
                .isLessThanOrEqualTo(memory.capacityBytes());
        assertThat(memory.reservedBytes()).isZero();
        assertThat(raw("GET", "/metrics", "", "Authorization", bearer()).body())
                .containsPattern("fmnist_images_decoding_bytes\\S* 0\\.0");
        System.gc();
        assertThat(heap.getHeapMemoryUsage().getUsed() - before).as("heap kept after the photos")
                .isLessThan(64L << 20);
        stillServes();
    }

    /** A PNG's signature, header chunk and an empty end: enough for a reader to learn the image's size and type. */
    private static byte[] pngHeader(int width, int height, int bitDepth, int colourType) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", header.array());
        chunk(png, "IDAT", deflated(64));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static byte[] deflated(int zeros) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(new byte[zeros]);
        deflater.finish();
        byte[] out = new byte[256];
        int length = deflater.deflate(out);
        return Arrays.copyOf(out, length);
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        png.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        png.write(type.getBytes(StandardCharsets.US_ASCII));
        png.write(data);
        png.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static Raw infer(JsonObject input) {
        return raw("POST", "/v2/models/m/infer", new JsonObject().put("inputs", new JsonArray().add(input)).encode(),
                "Authorization", bearer(), "Content-Type", "application/json");
    }
}
