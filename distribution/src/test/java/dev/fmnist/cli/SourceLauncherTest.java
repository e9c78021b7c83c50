package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's {@code ./fmnist}, run in a copy of its tree with a stand-in {@code mvn} that records its arguments
 * and "builds" a launcher that echoes its own: it builds when the sources change, and never silently replaces a
 * build made with other arguments ({@code FMNIST_BUILD_ARGS}, such as {@code -Pcuda}).
 */
class SourceLauncherTest {

    @TempDir
    Path root;

    private Path calls;
    private Path bin;

    @BeforeEach
    void tree() throws IOException {
        // the default build of an x86-64 Linux machine has no extra arguments, as these cases expect
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "an x86-64 Linux machine");
        Files.copy(Path.of("..", "fmnist"), root.resolve("fmnist"));
        Files.writeString(root.resolve("pom.xml"), "<project>\n  <version>9.9</version>\n</project>\n");
        Files.createDirectories(root.resolve("fmnist-api/src"));
        Files.writeString(root.resolve("fmnist-api/src/A.java"), "class A {}");
        calls = root.resolve("mvn-calls");
        bin = Files.createDirectories(root.resolve("fake-bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, """
                #!/bin/sh
                echo "$*" >> "%s"
                mkdir -p distribution/target/fmnist-9.9/bin
                printf '#!/bin/sh\\necho "launched $*"\\n' > distribution/target/fmnist-9.9/bin/fmnist
                chmod +x distribution/target/fmnist-9.9/bin/fmnist
                """.formatted(calls));
        mvn.toFile().setExecutable(true);
    }

    private record Result(int status, String output) {}

    private Result fmnist(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("sh", root.resolve("fmnist").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().remove("FMNIST_BUILD_ARGS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private List<String> builds() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private void editASource() throws IOException {
        Files.setLastModifiedTime(root.resolve("fmnist-api/src/A.java"),
                FileTime.from(Instant.now().plusSeconds(60)));
    }

    @Test
    void buildsOnceThenStartsAtOnceUntilASourceChanges() throws Exception {
        Result first = fmnist(Map.of(), "models");
        assertThat(first.status()).as(first.output()).isZero();
        assertThat(first.output()).contains("fmnist: building the platform").endsWith("launched models\n");
        Result second = fmnist(Map.of(), "models");
        assertThat(second.output()).isEqualTo("launched models\n");
        assertThat(builds()).hasSize(1);
        editASource();
        fmnist(Map.of(), "models");
        assertThat(builds()).hasSize(2);
    }

    @Test
    void aBuildsArgumentsAreKeptForLaterRebuildsAndReplacedOnlyWhenAsked() throws Exception {
        fmnist(Map.of(), "doctor");
        Result cuda = fmnist(Map.of("FMNIST_BUILD_ARGS", "-Pcuda"), "doctor");
        assertThat(cuda.output()).contains("building the platform with '-Pcuda' (FMNIST_BUILD_ARGS")
                .contains("the last build had 'no extra arguments'; this one replaces it");
        assertThat(builds()).hasSize(2);
        assertThat(builds().get(1)).contains("-Pcuda");

        // unchanged sources: the CUDA build starts at once; a source change rebuilds it as CUDA, saying so
        assertThat(fmnist(Map.of(), "doctor").output()).isEqualTo("launched doctor\n");
        editASource();
        Result rebuilt = fmnist(Map.of(), "doctor");
        assertThat(rebuilt.output()).contains("with '-Pcuda' (the last build's arguments");
        assertThat(builds()).hasSize(3);
        assertThat(builds().get(2)).contains("-Pcuda");

        // back to the default build only when asked, with an empty FMNIST_BUILD_ARGS
        Result back = fmnist(Map.of("FMNIST_BUILD_ARGS", ""), "doctor");
        assertThat(back.output()).contains("the last build had '-Pcuda'; this one replaces it");
        assertThat(builds().get(3)).doesNotContain("-Pcuda");
    }
}
