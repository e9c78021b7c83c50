package dev.fmnist.runtime.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The platform and DL4J versions this build was made with, recorded in every model file. */
public final class Versions {

    private static final Properties VERSIONS = load();

    private Versions() {}

    public static String platform() {
        return VERSIONS.getProperty("platform");
    }

    public static String dl4j() {
        return VERSIONS.getProperty("dl4j");
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/dev/fmnist/runtime/versions.properties")) {
            properties.load(in);
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("versions.properties is missing from fmnist-runtime", e));
        }
        return properties;
    }
}
