package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's {@code ./fmnist}, run in a copy of its tree with a stand-in {@code mvn} that records its arguments
 * and "builds" a launcher that echoes its own, and a stand-in {@code uname} that says which machine this is: it
 * builds when the sources change, builds this machine's natives, and never silently replaces a build made with
 * other arguments ({@code FMNIST_BUILD_ARGS}, such as {@code -Pcuda}).
 */
class SourceLauncherTest {

    private static final String ARM = "-Djavacpp.platform=linux-arm64 -Djavacpp.platform.extension=";

    @TempDir
    Path root;

    private Path calls;
    private Path bin;
    private Path source;

    @BeforeEach
    void tree() throws IOException {
        Files.copy(Path.of("..", "fmnist"), root.resolve("fmnist"));
        Files.writeString(root.resolve("pom.xml"), "<project>\n  <version>9.9</version>\n</project>\n");
        source = root.resolve("fmnist-api/src/A.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class A {}");
        for (Path file : List.of(source, root.resolve("pom.xml"))) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(1000)));
        }
        calls = root.resolve("mvn-calls");
        bin = Files.createDirectories(root.resolve("fake-bin"));
        script("mvn", """
                #!/bin/sh
                echo "$*" >> "%s"
                [ -n "$FAIL_BUILD" ] && { echo "BUILD FAILURE"; exit 1; }
                mkdir -p distribution/target/fmnist-9.9/bin
                printf '#!/bin/sh\\necho "launched $*"\\n' > distribution/target/fmnist-9.9/bin/fmnist
                chmod +x distribution/target/fmnist-9.9/bin/fmnist
                """.formatted(calls));
        script("uname", """
                #!/bin/sh
                case "$1" in -s) echo Linux ;; -m) echo "${FAKE_MACHINE:-x86_64}" ;; esac
                """);
    }

    private void script(String name, String text) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }

    private record Result(int status, String output) {}

    private Result fmnist(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", root.resolve("fmnist").toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(root, "out-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().remove("FMNIST_BUILD_ARGS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("./fmnist ended").isTrue();
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private List<String> builds() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private void editASource() throws IOException {
        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
    }

    @Test
    void buildsOnceThenStartsAtOnceUntilASourceChanges() throws Exception {
        Result first = fmnist(Map.of(), "models");
        assertThat(first.status()).as(first.output()).isZero();
        assertThat(first.output()).contains("fmnist: building the platform (mvn package").endsWith("launched models\n");
        assertThat(builds()).containsExactly("-B -DskipTests -pl distribution -am package");
        assertThat(fmnist(Map.of(), "models").output()).isEqualTo("launched models\n");
        editASource();
        assertThat(fmnist(Map.of(), "models").output()).contains("building the platform");
        assertThat(fmnist(Map.of(), "models").output()).isEqualTo("launched models\n");
        assertThat(builds()).hasSize(2);
    }

    @Test
    void aBuildsArgumentsAreKeptForLaterRebuildsAndReplacedOnlyWhenAsked() throws Exception {
        fmnist(Map.of(), "doctor");
        Result cuda = fmnist(Map.of("FMNIST_BUILD_ARGS", "-Pcuda"), "doctor");
        assertThat(cuda.status()).as(cuda.output()).isZero();
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
        assertThat(fmnist(Map.of(), "doctor").output()).isEqualTo("launched doctor\n");

        // back to the default build only when asked, with an empty FMNIST_BUILD_ARGS
        Result back = fmnist(Map.of("FMNIST_BUILD_ARGS", ""), "doctor");
        assertThat(back.status()).as(back.output()).isZero();
        assertThat(back.output()).contains("the last build had '-Pcuda'; this one replaces it");
        assertThat(builds()).hasSize(4);
        assertThat(builds().get(3)).doesNotContain("-Pcuda");
    }

    @Test
    void onArmItBuildsThePlainBinaryAndKeepsItUnderOtherArguments() throws Exception {
        Result arm = fmnist(Map.of("FAKE_MACHINE", "aarch64"), "models");
        assertThat(arm.status()).as(arm.output()).isZero();
        assertThat(arm.output()).contains("with '" + ARM + "' (this machine, Linux aarch64")
                .contains("no oneDNN binary for this platform");
        assertThat(builds().get(0)).contains(ARM);
        // CUDA is x86-64 only, but an argument such as -o or a profile keeps this machine's natives
        fmnist(Map.of("FAKE_MACHINE", "aarch64", "FMNIST_BUILD_ARGS", "-o"), "models");
        assertThat(builds().get(1)).contains("-o").contains(ARM);
        // an explicit platform is taken as given
        fmnist(Map.of("FAKE_MACHINE", "aarch64", "FMNIST_BUILD_ARGS", "-Djavacpp.platform=linux-x86_64"), "models");
        assertThat(builds().get(2)).contains("-Djavacpp.platform=linux-x86_64").doesNotContain("linux-arm64");
    }

    @Test
    void aFailedBuildSaysSoAndIsNotTakenForABuiltOne() throws Exception {
        fmnist(Map.of(), "models");
        editASource();
        Result failed = fmnist(Map.of("FAIL_BUILD", "1"), "models");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.output()).contains("BUILD FAILURE").contains("fmnist: the build failed");
        // the next call builds again rather than run the half-built installation
        assertThat(fmnist(Map.of(), "models").output()).contains("building the platform").endsWith("launched models\n");
        assertThat(builds()).hasSize(3);
    }
}
