package dev.fmnist.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * The version of this SPI, apart from the platform's. A plugin JAR states the version it was built against
 * in its manifest ({@value #MANIFEST_ATTRIBUTE}); the platform loads it when the major numbers match and the
 * plugin's minor is not newer than the platform's: minors only add (0.2 added graph networks, 0.3 {@link Networks}), so a plugin
 * built for 0.1 runs on 0.2, and a plugin built for 0.2 is refused by a 0.1 platform that lacks what it uses.
 */
public final class ApiVersion {

    /** The JAR manifest attribute naming the fmnist-api version a plugin was built against. */
    public static final String MANIFEST_ATTRIBUTE = "Fmnist-Api-Version";

    private static final String CURRENT = read();

    private ApiVersion() {}

    /** This SPI's version, such as {@code 0.3.0}. */
    public static String current() {
        return CURRENT;
    }

    /**
     * Whether a plugin built against {@code version} runs on this SPI.
     *
     * @deprecated the platform asks {@link #incompatibility}, which says why; kept because a minor version of the
     *     SPI only adds (docs/PLUGINS.md), and goes at the next major one
     */
    @Deprecated(forRemoval = true)
    public static boolean compatible(String version) {
        return incompatibility(version).isEmpty();
    }

    /** Why a plugin built against {@code version} cannot run on this SPI, as a sentence; empty when it can. */
    public static Optional<String> incompatibility(String version) {
        int[] plugin = majorMinor(version);
        int[] platform = majorMinor(CURRENT);
        if (plugin == null) {
            return Optional.of("states fmnist-api version '" + version + "', which is not a version number such as "
                    + CURRENT);
        }
        if (plugin[0] != platform[0]) {
            return Optional.of("was built against fmnist-api " + version.trim() + " but this platform provides "
                    + CURRENT + " (the major versions must match)");
        }
        if (plugin[1] > platform[1]) {
            return Optional.of("was built against fmnist-api " + version.trim() + ", newer than this platform's "
                    + CURRENT + ": it may use what this platform lacks; upgrade the platform or rebuild the plugin "
                    + "against " + platform[0] + "." + platform[1]);
        }
        return Optional.empty();
    }

    private static int[] majorMinor(String version) {
        String[] parts = version.trim().split("[.-]");
        try {
            return parts.length >= 2 ? new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])} : null;
        } catch (NumberFormatException e) {
            return null;
        }
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
