package dev.fmnist.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command accepts: where configuration comes from and the most common overrides. */
public final class GlobalOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "A configuration file (.properties, .yaml or .yml); flags and environment override it.")
    Path configFile;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Set a configuration key for this command (repeatable), e.g. --conf seed=7.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = {"--data", "--source"}, paramLabel = "SOURCE",
            description = "The images: fashion-mnist, or folder:DIR, a folder with one sub-folder of images per class "
                    + "(same as --conf data.source=SOURCE).")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The folder holding the Fashion-MNIST IDX files (same as --conf data.dir=DIR).")
    Path dataDir;

    /** Sets a key from a command's own flag (such as {@code train --seed}). */
    public void set(String key, String value) {
        overrides.put(key, value);
    }

    /** The command-line layer of the configuration. */
    public Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>(overrides);
        if (data != null) {
            flags.put("data.source", data);
        }
        if (dataDir != null) {
            flags.put("data.dir", dataDir.toString());
        }
        return flags;
    }

    public Optional<Path> configFile() {
        return Optional.ofNullable(configFile);
    }
}
