package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class ThreadChoiceTest {

    /** Trains batches of 64 images, each taking what {@code nanos} says for the count in force, until a choice. */
    private static List<Integer> run(ThreadChoice choice, List<Integer> applied, IntToLongFunction nanos) {
        for (int batch = 0; batch < 100 && choice.chosen().isEmpty(); batch++) {
            choice.beforeBatch();
            choice.afterBatch(64, nanos.applyAsLong(applied.get(applied.size() - 1)));
        }
        return applied;
    }

    @Test
    void moreThreadsWinOnlyWhenClearlyFaster() {
        List<Integer> applied = new ArrayList<>();
        ThreadChoice faster = ThreadChoice.of(TrainingThreads.auto(), 2, applied::add);
        run(faster, applied, threads -> threads == 2 ? 60_000_000L : 100_000_000L);
        assertThat(faster.chosen()).contains(2);
        assertThat(applied).as("warm-up on all, then ABBA blocks, then the choice").containsExactly(2, 1, 2, 1, 2, 1, 2);

        List<Integer> same = new ArrayList<>();
        ThreadChoice barely = ThreadChoice.of(TrainingThreads.auto(), 2, same::add);
        run(barely, same, threads -> threads == 2 ? 97_000_000L : 100_000_000L);
        assertThat(barely.chosen()).as("3% faster is within the margin: a core stays free").contains(1);
    }

    @Test
    void oneNoisyBlockDoesNotDecide() {
        List<Integer> applied = new ArrayList<>();
        ThreadChoice choice = ThreadChoice.of(TrainingThreads.auto(), 2, applied::add);
        int[] blocksAtTwo = {0};
        long[] batches = {0};
        for (int batch = 0; batch < 100 && choice.chosen().isEmpty(); batch++) {
            choice.beforeBatch();
            int threads = applied.get(applied.size() - 1);
            boolean measured = batch >= ThreadChoice.WARMUP;
            if (measured && threads == 2 && batches[0]++ % ThreadChoice.BLOCK == 0) {
                blocksAtTwo[0]++;
            }
            // 1 thread is faster, but the first two blocks with 2 threads are lucky ones (the first is not counted)
            long nanos = threads == 1 ? 80_000_000L : blocksAtTwo[0] <= 2 ? 20_000_000L : 100_000_000L;
            choice.afterBatch(64, nanos);
        }
        assertThat(choice.chosen()).contains(1);
    }

    @Test
    void aFixedCountIsSetOnceAndInheritSetsNothing() {
        List<Integer> applied = new ArrayList<>();
        ThreadChoice fixed = ThreadChoice.of(TrainingThreads.fixed(8), 2, applied::add);
        run(fixed, applied, threads -> 1);
        assertThat(fixed.chosen()).contains(2);
        assertThat(applied).as("at most what native code has").containsExactly(2);

        List<Integer> none = new ArrayList<>();
        ThreadChoice inherit = ThreadChoice.of(TrainingThreads.inherit(), 2, none::add);
        for (int batch = 0; batch < 50; batch++) {
            inherit.beforeBatch();
            inherit.afterBatch(64, 1);
        }
        assertThat(none).isEmpty();
        assertThat(inherit.chosen()).isEmpty();
    }

    @Test
    void aTrainingTooShortToMeasureEndsOnAllTheThreads() {
        List<Integer> applied = new ArrayList<>();
        ThreadChoice choice = ThreadChoice.of(TrainingThreads.auto(), 2, applied::add);
        for (int batch = 0; batch < ThreadChoice.WARMUP + 2; batch++) {
            choice.beforeBatch();
            choice.afterBatch(64, 1_000_000L);
        }
        assertThat(applied).containsExactly(2, 1);
        choice.finish();
        assertThat(choice.chosen()).contains(2);
        assertThat(applied).containsExactly(2, 1, 2);
    }

    @Test
    void theCandidatesAreOneHalfAndAll() {
        List<Integer> applied = new ArrayList<>();
        ThreadChoice choice = ThreadChoice.of(TrainingThreads.auto(), 8, applied::add);
        run(choice, applied, threads -> threads == 4 ? 50_000_000L : 100_000_000L);
        assertThat(choice.chosen()).contains(4);
        assertThat(applied.subList(0, 4)).containsExactly(8, 1, 4, 8);
    }
}
