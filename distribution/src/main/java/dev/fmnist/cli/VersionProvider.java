package dev.fmnist.cli;

import dev.fmnist.api.ApiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version lines of {@code fmnist --version}, from the build's filtered {@code fmnist-version.properties}. */
public final class VersionProvider implements IVersionProvider {

    public static Properties versions() {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/fmnist-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    public static String platformVersion() {
        return versions().getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        Properties versions = versions();
        return new String[] {
            "fmnist " + versions.getProperty("version", "unknown"),
            "plugin SPI (fmnist-api) " + ApiVersion.current(),
            "Deeplearning4j/ND4J " + versions.getProperty("dl4j", "unknown"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
