package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The budgets {@link ReadmeExamplesIT} gives examples: a command with a run or a teacher as argument gets its own. */
class ReadmeBudgetTest {

    @Test
    void trainingCommandsWithAnArgumentAreBudgetedLikeThoseWithout() {
        assertThat(ReadmeExamplesIT.budget(List.of("distill", "runs/ensemble", "--model", "cnn", "--temperature", "2")))
                .startsWith("distill", "runs/ensemble", "--model", "cnn", "--temperature", "2").hasSize(10)
                .containsSubsequence("--epochs", "1").containsSubsequence("--limit", "300");
        assertThat(ReadmeExamplesIT.budget(List.of("finetune", "runs/cnn-x", "--epochs", "8")))
                .containsSubsequence("finetune", "runs/cnn-x", "--epochs", "1").containsSubsequence("--limit", "200");
        assertThat(ReadmeExamplesIT.budget(List.of("tune", "best", "runs/tune/x", "--train", "--epochs", "12")))
                .containsSubsequence("--epochs", "1");
        assertThat(ReadmeExamplesIT.budget(List.of("data", "preview", "--out", "p.png")))
                .containsSubsequence("--per-class", "2");
        assertThat(ReadmeExamplesIT.budget(List.of("threshold", "runs/cnn-x", "--precision", "0.99")))
                .containsExactly("threshold", "runs/cnn-x", "--precision", "0.6");
        assertThat(ReadmeExamplesIT.budget(List.of("threshold", "runs/cnn-x", "--off")))
                .containsExactly("threshold", "runs/cnn-x", "--off");
    }
}
