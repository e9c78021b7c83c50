package dev.fmnist.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table stays true: every key the platform reads is documented there. */
class DocumentedKeysTest {

    @Test
    void theInstallationsConfFileListsEveryKey() throws IOException {
        String conf = Files.readString(Path.of("src", "main", "dist", "conf", "fmnist.properties"));
        for (ConfigKey key : ConfigKeys.ALL) {
            assertThat(conf).as("conf/fmnist.properties lists " + key.name()).contains("#" + key.name() + " =");
        }
    }

    @Test
    void readmeDocumentsEveryKey() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (ConfigKey key : ConfigKeys.ALL) {
            assertThat(readme).as("README.md documents " + key.name()).contains("| `" + key.name() + "` |");
        }
    }
}
