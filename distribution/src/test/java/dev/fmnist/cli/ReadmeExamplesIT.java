package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./fmnist} example of README.md, docs/USAGE.md and docs/IMPORT.md, in the order written, run by the
 * packaged launcher in one working
 * folder, as a reader who types them one after the other would: the runs an example trains are the ones later
 * examples name ({@code runs/cnn-20261124-101500} and {@code runs/cnn-...} stand for the first run of that model
 * the examples made). Files the README writes with {@code cat > FILE <<'END'} are written first. Each example
 * runs with a budget of seconds instead of minutes ({@link #budget}); a server example is started, asked for its
 * health and stopped with SIGTERM. An example that stops working fails the build.
 *
 * <p>Not run: lines that are not {@code ./fmnist} commands ({@code spark-submit} needs a Spark installation and
 * {@code .ci/e2e} runs the job JAR in local mode; {@code curl} lines need the server of the line before).
 */
@Tag("dataset")
class ReadmeExamplesIT {

    private static final Pattern RUN_PLACEHOLDER = Pattern.compile("runs/([a-z0-9][a-z0-9-]*?)-(\\d{8}-\\d{6}|\\.\\.\\.)");
    private static final Pattern HEREDOC = Pattern.compile("cat > (\\S+) <<'(\\w+)'");
    private static final Duration EXAMPLE_TIMEOUT = Duration.ofMinutes(10);

    @TempDir
    Path work;

    private final Path launcher = Path.of(System.getProperty("fmnist.home", "target/fmnist-unknown"), "bin", "fmnist");
    private final Path readme = Path.of(System.getProperty("fmnist.readme", "../README.md"));
    private final Path usage = readme.toAbsolutePath().getParent().resolve("docs").resolve("USAGE.md");
    private final Path keras = usage.resolveSibling("IMPORT.md");

    @TestFactory
    Stream<DynamicTest> everyExampleOfTheReadmeRunsWithASmallBudget() throws IOException {
        assertThat(launcher).as("the packaged launcher (mvn package builds it)").isExecutable();
        List<String> lines = new ArrayList<>(Files.readAllLines(readme));
        lines.addAll(Files.readAllLines(usage));
        lines.addAll(Files.readAllLines(keras));
        writeHeredocs(lines);
        List<String> examples = examples(lines);
        assertThat(examples).as("./fmnist examples in " + readme + " and " + usage).hasSizeGreaterThan(30);
        return examples.stream().map(example -> DynamicTest.dynamicTest(example, () -> run(example)));
    }

    /** The commands of the indented code blocks, continuation lines joined, comments dropped, each once. */
    static List<String> examples(List<String> lines) {
        Set<String> commands = new LinkedHashSet<>();
        StringBuilder pending = new StringBuilder();
        for (String line : lines) {
            if (!line.startsWith("    ")) {
                continue;
            }
            String code = line.strip().replaceFirst("\\s+#.*$", "");
            if (code.startsWith("#")) {
                continue;
            }
            if (code.endsWith("\\")) {
                pending.append(code, 0, code.length() - 1).append(' ');
                continue;
            }
            String command = (pending + code).replaceAll("\\s+", " ").strip();
            pending.setLength(0);
            if (command.startsWith("./fmnist")) {
                commands.add(command);
            }
        }
        return new ArrayList<>(commands);
    }

    private void writeHeredocs(List<String> lines) throws IOException {
        for (int i = 0; i < lines.size(); i++) {
            Matcher heredoc = HEREDOC.matcher(lines.get(i).strip());
            if (!heredoc.matches()) {
                continue;
            }
            StringBuilder content = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).strip().equals(heredoc.group(2)); i++) {
                content.append(lines.get(i).replaceFirst("^    ", "")).append('\n');
            }
            Files.writeString(work.resolve(heredoc.group(1)), content);
        }
    }

    private void run(String example) throws Exception {
        List<String> args = budget(words(placeholders(example.substring("./fmnist".length()).strip())));
        prepareInputs(args);
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(args);
        Path output = Files.createTempFile(work, "example-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().remove("FMNIST_OPTS");
        Process process = builder.start();
        try {
            if (args.get(0).equals("serve")) {
                checkServer(process, output, example);
                return;
            }
            boolean ended = process.waitFor(EXAMPLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended).as("'%s' ended within %s", String.join(" ", args), EXAMPLE_TIMEOUT).isTrue();
            assertThat(process.exitValue()).as("exit status of '%s' (README: %s); its output:%n%s",
                    String.join(" ", args), example, tail(output)).isZero();
            if (args.get(0).equals("tune") && args.contains("--space")) {
                // a study can end well with some trials failed; the README's must not have any
                assertThat(Files.readString(output)).as("the study's trials").doesNotContain(": FAILED");
            }
        } finally {
            process.destroyForcibly();
        }
    }

    /** A server example: started with a free port, healthy, and stopped cleanly by SIGTERM. */
    private void checkServer(Process process, Path output, String example) throws Exception {
        Pattern serving = Pattern.compile("Serving on (http://\\S+)");
        String url = null;
        for (long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); url == null; Thread.sleep(250)) {
            Matcher matcher = serving.matcher(Files.readString(output));
            if (matcher.find()) {
                url = matcher.group(1);
            } else {
                assertThat(process.isAlive()).as("'%s' still running; its output:%n%s", example, tail(output)).isTrue();
                assertThat(System.nanoTime()).as("'%s' serving within 2 minutes", example).isLessThan(deadline);
            }
        }
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                + "v2/health/ready")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as("%s v2/health/ready: %s", example, ready.body()).isEqualTo(200);
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("'%s' stops on SIGTERM", example).isTrue();
        assertThat(Files.readString(output)).as("'%s' output", example).contains("Server stopped");
    }

    /** {@code runs/cnn-20261124-101500} and {@code runs/cnn-...}: the first cnn run the examples made. */
    private String placeholders(String example) {
        Matcher matcher = RUN_PLACEHOLDER.matcher(example);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement("runs/" + firstRun(matcher.group(1))));
        }
        return matcher.appendTail(result).toString();
    }

    private String firstRun(String model) {
        Pattern name = Pattern.compile(Pattern.quote(model) + "-\\d{8}-\\d{6}");
        try (Stream<Path> runs = Files.list(work.resolve("runs"))) {
            return runs.map(path -> path.getFileName().toString()).filter(run -> name.matcher(run).matches())
                    .min(Comparator.naturalOrder()).orElseThrow(() -> new AssertionError("no " + model
                            + "-<time> run made by an earlier example for this one"));
        } catch (IOException e) {
            throw new AssertionError("no runs folder made by an earlier example: " + e, e);
        }
    }

    /**
     * The example with a budget of seconds: epochs, images, trials and repetitions set low, ports free; the options
     * it sets are replaced, the others added. The examples' own values are what a reader runs, not what the build
     * can afford.
     */
    static List<String> budget(List<String> args) {
        List<String> result = new ArrayList<>(args);
        // a command of two words for the groups; another's second word is its argument (a run, a teacher)
        boolean group = List.of("data", "bench", "tune").contains(args.get(0));
        String command = args.get(0) + (group && args.size() > 1 && !args.get(1).startsWith("-") ? " " + args.get(1)
                : "");
        Map<String, String> budget = switch (command) {
            case "finetune" -> Map.of("--epochs", "1", "--limit", "200");
            case "tune best" -> Map.of("--epochs", "1");
            case "data export" -> args.contains("--folder") ? Map.of("--per-class", "20") : Map.of();
            case "data preview" -> Map.of("--per-class", "2");
            case "bench train", "bench threads" -> Map.of("--model", "mlp", "--images", "256", "--repeat", "1");
            case "bench infer" -> Map.of("--batch-sizes", "1,8", "--seconds", "0.5", "--repeat", "1");
            case "bench data" -> Map.of("--repeat", "1");
            case "bench photos" -> Map.of("--count", "20");
            // a run of 300 images for one epoch is right too seldom for the examples' 99%
            case "threshold" -> args.contains("--precision") ? Map.of("--precision", "0.6") : Map.of();
            default -> Map.of();
        };
        // distill takes train's flags (its first argument, the teacher, is no subcommand)
        if (args.get(0).equals("train") || args.get(0).equals("distill")) {
            // a resumed run goes on for one more epoch than the one it has; snapshots need an epoch per member
            String epochs = args.contains("--snapshots") ? args.get(args.indexOf("--snapshots") + 1) : "1";
            budget = args.contains("--resume") ? Map.of("--epochs", "2") : Map.of("--epochs", epochs, "--limit", "300");
        } else if (args.get(0).equals("tune") && args.contains("--space")) {
            budget = Map.of("--trials", "4", "--budget-epochs", "1", "--limit", "3000");
        } else if (args.get(0).equals("serve")) {
            budget = args.contains("--grpc-port") ? Map.of("--port", "0", "--grpc-port", "0") : Map.of("--port", "0");
        }
        budget.forEach((option, value) -> {
            int at = result.indexOf(option);
            if (at >= 0) {
                result.set(at + 1, value);
            } else {
                result.add(option);
                result.add(value);
            }
        });
        return result;
    }

    /**
     * Files an example reads that the README assumes the reader has: {@code shirt.jpg}, a photo of a shirt, and a
     * Keras model file ({@code *.h5}: the basic CNN of the Keras fixtures, written as Keras 2 writes it).
     */
    private void prepareInputs(List<String> args) throws Exception {
        for (String arg : args) {
            if (arg.endsWith(".h5") && !Files.exists(work.resolve(arg))) {
                dev.fmnist.keras.KerasFixtures.cnn().write(work.resolve(arg));
            }
        }
        Path shirt = work.resolve("shirt.jpg");
        if (!args.contains("shirt.jpg") || Files.exists(shirt)) {
            return;
        }
        Path png = work.resolve("shirt.png");
        // test image 4 is a shirt
        Process export = new ProcessBuilder(launcher.toString(), "data", "export", "--index", "4", "--out", png.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("shirt.out").toFile())
                .start();
        assertThat(export.waitFor(2, TimeUnit.MINUTES) && export.exitValue() == 0)
                .as("exporting test image 4: %s", tail(work.resolve("shirt.out"))).isTrue();
        BufferedImage grey = ImageIO.read(png.toFile());
        assertThat(ImageIO.write(grey, "jpg", shirt.toFile())).as("a JPEG writer").isTrue();
    }

    /** Shell words: spaces separate, quotes group. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static String tail(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
