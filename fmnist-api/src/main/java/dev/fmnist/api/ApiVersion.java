package dev.fmnist.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this SPI. A plugin JAR states the version it was built against in its manifest
 * ({@value #MANIFEST_ATTRIBUTE}); the platform loads it when the major and minor numbers match.
 */
public final class ApiVersion {

    /** The JAR manifest attribute naming the fmnist-api version a plugin was built against. */
    public static final String MANIFEST_ATTRIBUTE = "Fmnist-Api-Version";

    private static final String CURRENT = read();

    private ApiVersion() {}

    /** This SPI's version, such as {@code 0.1.0}. */
    public static String current() {
        return CURRENT;
    }

    /** Whether a plugin built against {@code version} runs on this SPI: same major and minor number. */
    public static boolean compatible(String version) {
        return majorMinor(version).equals(majorMinor(CURRENT));
    }

    private static String majorMinor(String version) {
        String[] parts = version.trim().split("[.-]");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version.trim();
    }

    private static String read() {
        Properties properties = new Properties();
        try (InputStream in = ApiVersion.class.getResourceAsStream("api-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/fmnist/api/api-version.properties is missing from fmnist-api");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }
}
