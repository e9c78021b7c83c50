package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.cli.config.ConfigKey;
import dev.fmnist.cli.config.ConfigKeys;
import dev.fmnist.eval.Comparison;
import dev.fmnist.eval.ResultsTable;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.models.plugins.RegisteredPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The documentation agrees with the code: its relative links lead to files, every {@code fmnist} command it names
 * exists, every configuration key and every built-in model's hyperparameters are in docs/CONFIGURATION.md.
 */
class DocsTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern COMMAND = Pattern.compile("(?:^|[\\s(])(?:\\./|bin/)?fmnist ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?");
    private static final String GENERATED = "<!-- generated from the plugins:";
    private static final String HEADLINE = "<!-- generated from docs/results/headline.json:";

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    @Test
    void everyRelativeLinkLeadsToAFile() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path document : documents()) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1).replaceFirst("#.*$", "");
                if (target.isEmpty() || target.matches("[a-z]+:.*")) {
                    continue;
                }
                if (!Files.exists(document.getParent().resolve(target))) {
                    broken.add(ROOT.relativize(document) + " -> " + link.group(1));
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    /** Code: indented blocks and backtick spans, where commands are written. */
    static List<String> code(String markdown) {
        List<String> code = new ArrayList<>();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("    ")) {
                code.add(line.strip());
            } else {
                Matcher span = CODE_SPAN.matcher(line);
                while (span.find()) {
                    code.add(span.group(1));
                }
            }
        }
        return code;
    }

    @Test
    void everyCommandTheDocsNameExists() throws IOException {
        CommandLine cli = FmnistCli.commandLine();
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (Path document : documents()) {
            for (String code : code(Files.readString(document))) {
                Matcher command = COMMAND.matcher(code);
                while (command.find()) {
                    checked++;
                    CommandLine named = cli.getSubcommands().get(command.group(1));
                    if (named == null) {
                        unknown.add(ROOT.relativize(document) + ": fmnist " + command.group(1));
                    } else if (command.group(2) != null && !named.getSubcommands().isEmpty()
                            && !named.getSubcommands().containsKey(command.group(2))) {
                        unknown.add(ROOT.relativize(document) + ": fmnist " + command.group(1) + " " + command.group(2));
                    }
                }
            }
        }
        assertThat(checked).as("commands found in the docs").isGreaterThan(50);
        assertThat(unknown).as("commands the CLI does not have").isEmpty();
    }

    @Test
    void everyConfigurationKeyTheDocsSetExists() throws IOException {
        Pattern conf = Pattern.compile("--conf[ =]([a-z][a-z0-9.-]*)=");
        List<String> names = ConfigKeys.ALL.stream().map(ConfigKey::name).toList();
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (Path document : documents()) {
            for (String code : code(Files.readString(document))) {
                Matcher key = conf.matcher(code);
                while (key.find()) {
                    checked++;
                    if (!names.contains(key.group(1))) {
                        unknown.add(ROOT.relativize(document) + ": " + key.group(1));
                    }
                }
            }
        }
        assertThat(checked).as("--conf settings found in the docs").isGreaterThan(10);
        assertThat(unknown).as("configuration keys that do not exist").isEmpty();
    }

    @Test
    void theConfigurationDocumentListsEveryKey() throws IOException {
        String configuration = Files.readString(ROOT.resolve("docs/CONFIGURATION.md"));
        for (ConfigKey key : ConfigKeys.ALL) {
            assertThat(configuration).as("docs/CONFIGURATION.md documents " + key.name())
                    .contains("| `" + key.name() + "` |");
        }
    }

    /** The table below the marker of docs/CONFIGURATION.md, as the built-in plugins declare their defaults. */
    static String builtinHyperparameters() {
        StringBuilder table = new StringBuilder("| model | hyperparameter | default |\n|---|---|---|\n");
        List<RegisteredPlugin> plugins = new ArrayList<>(new ModelRegistry(Optional.empty()).plugins());
        plugins.sort(Comparator.comparing(RegisteredPlugin::id));
        for (RegisteredPlugin plugin : plugins) {
            for (Map.Entry<String, String> key : new TreeMap<>(plugin.plugin().defaultHyperparameters()).entrySet()) {
                table.append("| `").append(plugin.id()).append("` | `").append(key.getKey()).append("` | `")
                        .append(key.getValue()).append("` |\n");
            }
        }
        return table.toString();
    }

    @Test
    void theConfigurationDocumentHasEveryBuiltinHyperparameterWithItsDefault() throws IOException {
        String configuration = Files.readString(ROOT.resolve("docs/CONFIGURATION.md"));
        assertThat(tableBelow(configuration, GENERATED))
                .as("the built-in hyperparameters table; paste the expected one below the marker")
                .isEqualTo(builtinHyperparameters());
    }

    /** The table below a marker line of a document: the lines up to the first blank one. */
    private static String tableBelow(String document, String marker) {
        int at = document.indexOf(marker);
        assertThat(at).as("the marker '" + marker + "'").isPositive();
        String after = document.substring(document.indexOf('\n', at) + 1);
        int end = after.indexOf("\n\n");
        return end < 0 ? after : after.substring(0, end + 1);
    }

    @Test
    void theHeadlineResultsAreTheTableTheRunsMade() throws IOException {
        List<Comparison.Row> rows = ResultsTable.read(ROOT.resolve("docs/results/headline.json"));
        assertThat(rows).as("docs/results/headline.json's rows").isNotEmpty();
        assertThat(tableBelow(Files.readString(ROOT.resolve("docs/RESULTS.md")), HEADLINE))
                .as("docs/RESULTS.md's headline table; remake it with the command in its marker")
                .isEqualTo(Comparison.markdown(rows));
    }
}
