package dev.fmnist.cli.config;

import static dev.fmnist.cli.config.ConfigKeys.DATA_BASE_URL;
import static dev.fmnist.cli.config.ConfigKeys.DATA_CACHE_DIR;
import static dev.fmnist.cli.config.ConfigKeys.DATA_DIR;
import static dev.fmnist.cli.config.ConfigKeys.DATA_DOWNLOAD;
import static dev.fmnist.cli.config.ConfigKeys.DATA_NORMALIZATION;
import static dev.fmnist.cli.config.ConfigKeys.DATA_SYSTEM_DIR;
import static dev.fmnist.cli.config.ConfigKeys.DATA_VALIDATION_FRACTION;
import static dev.fmnist.cli.config.ConfigKeys.SEED;

import dev.fmnist.data.DataConfig;
import dev.fmnist.data.prep.Normalization;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The typed settings of every module, read from one {@link PlatformConfig}: each module's Guice module
 * receives its own small config record and never sees the configuration library.
 */
public record Settings(PlatformConfig config, DataConfig data) {

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
        reader.check();
        DataConfig data = new DataConfig(dataDir, config.source(DATA_DIR), systemDir, cacheDir, baseUrl, download,
                validationFraction, normalization, seed);
        return new Settings(config, data);
    }
}
