package dev.fmnist.data.source;

import dev.fmnist.data.DataConfig;
import dev.fmnist.data.DataException;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the dataset, in this order: the folder the user configured ({@code data.dir}, also set by
 * {@code FMNIST_DATA_DIR}); Debian's {@code dataset-fashion-mnist} folder; the download cache; and
 * last a verified download into the cache.
 */
public final class DatasetLocator {

    private static final Logger log = LoggerFactory.getLogger(DatasetLocator.class);

    private final DataConfig config;
    private final DatasetFiles files;
    private final DatasetDownloader downloader;

    @Inject
    public DatasetLocator(DataConfig config, DatasetFiles files, DatasetDownloader downloader) {
        this.config = config;
        this.files = files;
        this.downloader = downloader;
    }

    public DatasetLocation locate() {
        if (config.dataDir().isPresent()) {
            // A folder the user named is never silently replaced by another copy.
            Path dir = config.dataDir().get();
            List<DatasetFile> missing = files.missingIn(dir);
            if (!missing.isEmpty()) {
                throw new DataException("data.dir (from " + config.dataDirSource() + ") = " + dir + ": "
                        + (Files.isDirectory(dir) ? "missing " + names(missing) : "no such folder"));
            }
            return new DatasetLocation(dir, "data.dir (from " + config.dataDirSource() + ")");
        }
        List<String> looked = new ArrayList<>();
        if (files.missingIn(config.systemDir()).isEmpty()) {
            return new DatasetLocation(config.systemDir(), "Debian package dataset-fashion-mnist");
        }
        looked.add(config.systemDir() + " (apt-get install dataset-fashion-mnist)");
        Path cache = config.cacheDir().resolve("fashion-mnist");
        List<DatasetFile> missing = files.missingIn(cache);
        if (missing.isEmpty()) {
            return new DatasetLocation(cache, "download cache");
        }
        looked.add(cache + " (download cache)");
        if (!config.download()) {
            throw new DataException("Fashion-MNIST not found. Looked in: " + String.join(", ", looked)
                    + ". Set data.dir (or FMNIST_DATA_DIR) to a folder holding " + names(files.all())
                    + ", or allow the download with data.download=true");
        }
        log.info("Fashion-MNIST not found locally; downloading {} into {}", names(missing), cache);
        for (DatasetFile file : missing) {
            downloader.download(config.baseUrl(), file, cache);
        }
        return new DatasetLocation(cache, "downloaded from " + config.baseUrl() + " into the cache");
    }

    private static String names(List<DatasetFile> files) {
        return files.stream().map(DatasetFile::gzName).collect(Collectors.joining(", "));
    }
}
