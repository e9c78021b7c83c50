package dev.fmnist.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The installation's configuration file lists every key the platform reads (docs/CONFIGURATION.md: {@code DocsTest}). */
class DocumentedKeysTest {

    @Test
    void theInstallationsConfFileListsEveryKey() throws IOException {
        String conf = Files.readString(Path.of("src", "main", "dist", "conf", "fmnist.properties"));
        for (ConfigKey key : ConfigKeys.ALL) {
            assertThat(conf).as("conf/fmnist.properties lists " + key.name()).contains("#" + key.name() + " =");
        }
    }
}
