package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, run with a stand-in {@code java} that prints the options it gets: JavaCPP's resident-size check stays
 * at every allocation for training and the rest, and moves to the server's watch for serving and the benchmarks that
 * time it.
 */
class LauncherMemoryCheckTest {

    private static final String JAVACPP_CHECK = "-Dorg.bytedeco.javacpp.maxphysicalbytes=";
    private static final String WATCH = "-Dfmnist.watch.maxphysicalbytes=";

    @TempDir
    Path home;

    private Path jdk;

    @BeforeEach
    void installation() throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.copy(Path.of("src/main/dist/bin/fmnist"), home.resolve("bin/fmnist"));
        jdk = home.resolve("jdk");
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                if [ "$1" = "-version" ]; then echo 'openjdk version "17.0.9" 2023-10-17' >&2; exit 0; fi
                for argument in "$@"; do echo "$argument"; done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The JVM options the launcher passes for {@code arguments}, with {@code fmnistOpts} as FMNIST_OPTS. */
    private List<String> options(String fmnistOpts, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("bin/fmnist").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", jdk.toString());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().put("FMNIST_OPTS", fmnistOpts);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        List<String> lines = out.lines().toList();
        return lines.subList(0, lines.indexOf("dev.fmnist.cli.FmnistCli"));
    }

    /** The value JavaCPP sees: the last of the options that set it. */
    private static String javacppCheck(List<String> options) {
        return options.stream().filter(o -> o.startsWith(JAVACPP_CHECK)).reduce((a, b) -> b).orElseThrow()
                .substring(JAVACPP_CHECK.length());
    }

    @Test
    void trainingAndTheOtherCommandsKeepJavaCppsCheck() throws Exception {
        for (String[] command : List.of(new String[] {"train", "--model", "cnn"}, new String[] {"bench", "train"},
                new String[] {"predict", "runs/cnn"}, new String[] {"doctor"}, new String[] {"bench"})) {
            List<String> options = options("", command);
            assertThat(javacppCheck(options)).as(String.join(" ", command)).isEqualTo("7g");
            assertThat(options).noneMatch(o -> o.startsWith(WATCH));
        }
    }

    @Test
    void servingAndItsBenchmarksMoveItToTheWatch() throws Exception {
        for (String[] command : List.of(new String[] {"serve", "runs/cnn", "--port", "0"}, new String[] {"serve"},
                new String[] {"bench", "infer", "runs/cnn"}, new String[] {"bench", "serve", "runs/cnn"},
                new String[] {"bench", "photos", "runs/cnn"}, new String[] {"bench", "similar", "runs/cnn"})) {
            List<String> options = options("", command);
            assertThat(javacppCheck(options)).as(String.join(" ", command)).isEqualTo("0");
            assertThat(options).as(String.join(" ", command)).contains(WATCH + "7g");
        }
    }

    @Test
    void fmnistOptsPutsTheCheckBackOnTheAllocationPath() throws Exception {
        assertThat(javacppCheck(options(JAVACPP_CHECK + "12g", "serve", "runs/cnn"))).isEqualTo("12g");
        assertThat(javacppCheck(options(JAVACPP_CHECK + "0", "train"))).isEqualTo("0");
    }
}
