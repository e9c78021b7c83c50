package dev.fmnist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fmnist.data.RealDataset;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.nativecpu.NativeThreads;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.Parallelism;
import dev.fmnist.training.ThreadSettings;
import dev.fmnist.training.TrainingConfig;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Tag("dataset")
class ThreadsComparisonTest {

    @TempDir
    Path runs;

    @Test
    void eachCandidateTrainsRealRunsOfItsOwnInAbbaOrderAndTheFastestByTheTrainingsRuleIsChosen() throws Exception {
        // this module's tests run with SD_MAX_THREADS=2, as the launcher sets it on 2 cores (pom.xml)
        assumeTrue(NativeThreads.available() >= 2, "two workers need two processors");
        List<Parallelism> candidates = List.of(Parallelism.threads(1), new Parallelism(2, 1));
        List<Parallelism> asked = new ArrayList<>();
        ModelRegistry registry = new ModelRegistry(Optional.empty());
        TrainingConfig config = new TrainingConfig(runs, 20, 4, "val_loss", 1e-4, true);
        ThreadsComparison comparison = new ThreadsComparison(parallelism -> {
            asked.add(parallelism);
            return new TrainingEngine(registry, RealDataset.get(), RealDataset.get().config(),
                    config.withThreads(ThreadSettings.of(TrainingThreads.fixed(parallelism))));
        }, candidates, 2);

        Logger choice = (Logger) LoggerFactory.getLogger("dev.fmnist.training.ThreadChoice");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Level level = choice.getLevel();
        choice.setLevel(Level.INFO);
        choice.addAppender(logged);
        ThreadsComparison.Figures figures;
        try {
            figures = comparison.measure("mlp", 640, runs);
        } finally {
            choice.detachAppender(logged);
            choice.setLevel(level);
        }

        assertThat(logged.list).as("each run trained with its candidate, fixed").extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("Training with 1 thread, as train.threads says",
                        "Training with 2 workers x 1 thread (data parallel), as train.threads says",
                        "Training with 2 workers x 1 thread (data parallel), as train.threads says",
                        "Training with 1 thread, as train.threads says");

        assertThat(asked).containsExactly(candidates.get(0), candidates.get(1), candidates.get(1), candidates.get(0));
        assertThat(figures.model()).isEqualTo("mlp");
        assertThat(figures.imagesPerSecond()).hasSize(2).doesNotContain(0.0);
        assertThat(figures.imagesPerSecond()[0]).isPositive();
        assertThat(figures.imagesPerSecond()[1]).isPositive();
        assertThat(figures.chosen()).isEqualTo(candidates.get(Parallelism.fastest(figures.imagesPerSecond())));
        try (Stream<Path> made = Files.list(runs)) {
            List<Path> folders = made.filter(Files::isDirectory).sorted().toList();
            assertThat(folders).extracting(p -> p.getFileName().toString())
                    .containsExactly("mlp-1-0", "mlp-1-1", "mlp-2x1-0", "mlp-2x1-1");
            for (Path folder : folders) {
                RunSummary summary = Json.read(folder.resolve("summary.json"), RunSummary.class);
                assertThat(summary.epochsRun()).as("two epochs, the second counted").isEqualTo(2);
            }
        }
    }
}
