package dev.fmnist.cli.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The raw inputs of the configuration, highest precedence first.
 *
 * @param flags            {@code --conf KEY=VALUE} and the dedicated flags such as {@code --data-dir}
 * @param systemProperties the JVM's properties; {@code fmnist.KEY} sets KEY
 * @param environment      the process environment; {@code FMNIST_KEY} sets KEY
 * @param userFile         {@code --config FILE}, properties or YAML
 * @param installationFile {@code conf/fmnist.properties} of the installation, when there is one
 */
public record ConfigSources(Map<String, String> flags, Properties systemProperties, Map<String, String> environment,
        Optional<Path> userFile, Optional<Path> installationFile) {

    public ConfigSources {
        flags = Map.copyOf(flags);
        requireNonNull(systemProperties, "systemProperties is null");
        environment = Map.copyOf(environment);
        requireNonNull(userFile, "userFile is null");
        requireNonNull(installationFile, "installationFile is null");
    }

    /** This process's sources, with the installation found through the launcher's {@code fmnist.home}. */
    public static ConfigSources ofProcess(Map<String, String> flags, Optional<Path> userFile) {
        Optional<Path> installation = Optional.ofNullable(System.getProperty("fmnist.home"))
                .map(home -> Path.of(home, "conf", "fmnist.properties"));
        return new ConfigSources(flags, System.getProperties(), new HashMap<>(System.getenv()), userFile, installation);
    }

    /** Only the given flags and the bundled defaults: for tests and embedding. */
    public static ConfigSources ofFlags(Map<String, String> flags) {
        return new ConfigSources(flags, new Properties(), Map.of(), Optional.empty(), Optional.empty());
    }
}
