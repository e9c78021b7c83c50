package dev.fmnist.data;

import static java.util.Objects.requireNonNull;

import dev.fmnist.image.encode.Normalization;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of the data module (keys {@code data.*} and {@code seed}).
 *
 * @param dataDir            a folder the user named; when present it must hold the dataset
 * @param dataDirSource      where {@code dataDir} came from, for error messages ("env FMNIST_DATA_DIR")
 * @param systemDir          Debian's {@code dataset-fashion-mnist} folder
 * @param cacheDir           where downloads go
 * @param baseUrl            where the official files are downloaded from
 * @param download           whether a missing dataset may be downloaded
 * @param validationFraction share of each class of the training images held out for validation
 * @param normalization      how pixels become model inputs
 * @param seed               seeds the split and the per-epoch shuffles
 * @param source             which images: Fashion-MNIST or a folder of labelled images
 * @param testFraction       share of each class of an image folder held out as test images (Fashion-MNIST
 *                           has its own test set)
 */
public record DataConfig(
        Optional<Path> dataDir,
        String dataDirSource,
        Path systemDir,
        Path cacheDir,
        URI baseUrl,
        boolean download,
        double validationFraction,
        Normalization.Kind normalization,
        long seed,
        SourceChoice source,
        double testFraction) {

    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final URI OFFICIAL_BASE_URL = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    public DataConfig {
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(systemDir, "systemDir is null");
        requireNonNull(cacheDir, "cacheDir is null");
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(normalization, "normalization is null");
        requireNonNull(source, "source is null");
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0,1), got " + validationFraction);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0,1), got " + testFraction);
        }
    }

    /** The defaults, for tests and embedding: no configured folder, Debian's folder, a cache under the home folder. */
    public static DataConfig defaults() {
        return new DataConfig(Optional.empty(), "default", DEBIAN_DIR,
                Path.of(System.getProperty("user.home"), ".cache", "fmnist"), OFFICIAL_BASE_URL, true, 0.1,
                Normalization.Kind.SCALE, 42, SourceChoice.FASHION_MNIST, 0.2);
    }

    public DataConfig withDataDir(Path dir, String origin) {
        return new DataConfig(Optional.of(dir), origin, systemDir, cacheDir, baseUrl, download, validationFraction,
                normalization, seed, source, testFraction);
    }

    public DataConfig withSource(SourceChoice choice) {
        return new DataConfig(dataDir, dataDirSource, systemDir, cacheDir, baseUrl, download, validationFraction,
                normalization, seed, choice, testFraction);
    }
}
