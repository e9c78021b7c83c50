package dev.fmnist.data.source;

import dev.fmnist.data.DataException;
import dev.fmnist.data.idx.IdxReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one dataset file into a folder: to a temporary file first, verified by the SHA-256 of its
 * decompressed content, then moved into place atomically, so the folder never holds a partial or
 * unverified file under the real name.
 */
public final class DatasetDownloader {

    private static final Logger log = LoggerFactory.getLogger(DatasetDownloader.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    public Path download(URI baseUrl, DatasetFile file, Path folder) {
        URI url = baseUrl.resolve(file.gzName());
        Path target = folder.resolve(file.gzName());
        Path partial = null;
        try {
            Files.createDirectories(folder);
            partial = Files.createTempFile(folder, file.gzName() + ".", ".part");
            long started = System.nanoTime();
            HttpResponse<Path> response = client.send(
                    HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                throw new DataException("download of " + url + " failed: HTTP " + response.statusCode());
            }
            String actual;
            try {
                actual = IdxReader.sha256OfContent(partial);
            } catch (DataException e) {
                throw new DataException("download of " + url + " is not a readable gzip/IDX file: " + e.getMessage());
            }
            if (!actual.equals(file.sha256())) {
                throw new DataException("checksum mismatch for " + url + ": expected SHA-256 " + file.sha256()
                        + " of the decompressed content, got " + actual + "; the downloaded file was deleted");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("Downloaded {} ({} bytes, {} ms), checksum verified", url, Files.size(target),
                    (System.nanoTime() - started) / 1_000_000);
            return target;
        } catch (IOException e) {
            throw new DataException("download of " + url + " into " + folder + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("download of " + url + " was interrupted", e);
        } finally {
            deleteQuietly(partial);
        }
    }

    private static void deleteQuietly(Path partial) {
        if (partial == null) {
            return;
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            log.warn("Could not delete the partial download {}: {}", partial, e.toString());
        }
    }
}
