package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.plugins.PluginClasses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/OPERATIONS.md's {@code curl} lines, in the order written, with the real curl against a real server whose
 * models folder holds the runs the guide names: each must succeed (curl's {@code -f}: no HTTP error).
 */
@Tag("dataset")
class OperationsGuideTest {

    private static final Path GUIDE = Path.of("../docs/OPERATIONS.md");

    @TempDir
    Path work;

    /** The indented {@code curl} lines, continuation lines joined. */
    static List<String> curlLines(List<String> lines) {
        List<String> commands = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : lines) {
            if (!line.startsWith("    ")) {
                continue;
            }
            String code = line.strip();
            if (code.endsWith("\\")) {
                pending.append(code, 0, code.length() - 1).append(' ');
                continue;
            }
            String command = (pending + code).replaceAll("\\s+", " ").strip();
            pending.setLength(0);
            if (command.startsWith("curl ")) {
                commands.add(command);
            }
        }
        return commands;
    }

    @Test
    void everyCurlLineOfTheGuideSucceedsInOrder() throws Exception {
        List<String> commands = curlLines(Files.readAllLines(GUIDE));
        assertThat(commands).as("curl lines of " + GUIDE).hasSizeGreaterThan(8);
        Path models = work.resolve("models");
        ModelRepositoryTest.copy(TestModels.cnn(), models.resolve("shoes"));
        ModelRepositoryTest.copy(TestModels.mlp(), models.resolve("shoes-2"));
        Files.write(work.resolve("boot.png"), PredictionServerTest.png(RealDataset.get().dataset().testImages(), 0));
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0), List.of(),
                Optional.of(models), "test", PluginClasses.platform())) {
            for (String command : commands) {
                String run = command.replace("localhost:8080", "127.0.0.1:" + server.port())
                        .replaceFirst("^curl ", "curl -f --max-time 60 ");
                Process process = new ProcessBuilder("bash", "-o", "pipefail", "-c", run).directory(work.toFile())
                        .redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("'%s' exited with its output:%n%s", command, output).isZero();
            }
            // where the guide leaves the model: the canary promoted, the old version unloaded
            assertThat(server.models().versions("shoes").orElseThrow().versions()).containsOnlyKeys("shoes-2");
        }
    }

    @Test
    void theGuideSaysWhereEveryRouteItCallsIsDescribed() throws IOException {
        String guide = Files.readString(GUIDE);
        String api = Files.readString(Path.of("../docs/API.md"));
        for (String route : List.of("/promote", "/rollback", "/traffic", "X-Route-Key", "X-Timeout-Ms")) {
            assertThat(guide).contains(route);
            assertThat(api).as("docs/API.md describes " + route).contains(route);
        }
    }
}
