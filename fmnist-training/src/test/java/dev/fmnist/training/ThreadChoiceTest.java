package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class ThreadChoiceTest {

    private static final Parallelism ONE = Parallelism.threads(1);
    private static final Parallelism TWO = Parallelism.threads(2);
    private static final Parallelism DATA = new Parallelism(2, 1);

    /** Trains batches of 64 images, each taking what {@code nanos} says for what is in force, until a choice. */
    private static List<Parallelism> run(ThreadChoice choice, List<Parallelism> applied,
            ToLongFunction<Parallelism> nanos) {
        for (int batch = 0; batch < 200 && choice.chosen().isEmpty(); batch++) {
            choice.beforeBatch();
            choice.afterBatch(64, nanos.applyAsLong(applied.get(applied.size() - 1)));
        }
        return applied;
    }

    @Test
    void laterCandidatesWinOnlyWhenClearlyFaster() {
        List<Parallelism> applied = new ArrayList<>();
        ThreadChoice faster = ThreadChoice.of(TrainingThreads.auto(), 2, applied::add);
        run(faster, applied, p -> p.equals(TWO) ? 60_000_000L : 100_000_000L);
        assertThat(faster.chosen()).contains(TWO);
        assertThat(applied).as("warm-up on all the threads, then ABBA rounds of the three, then the choice")
                .containsExactly(TWO, ONE, TWO, DATA, TWO, ONE, TWO, DATA, TWO, ONE, TWO, DATA, TWO);

        List<Parallelism> same = new ArrayList<>();
        ThreadChoice barely = ThreadChoice.of(TrainingThreads.auto(), 2, same::add);
        run(barely, same, p -> p.equals(ONE) ? 100_000_000L : 97_000_000L);
        assertThat(barely.chosen()).as("3% faster is within the margin: a core stays free").contains(ONE);
    }

    @Test
    void dataParallelismWinsWhenItIsFastest() {
        List<Parallelism> applied = new ArrayList<>();
        ThreadChoice choice = ThreadChoice.of(TrainingThreads.auto(), 2, applied::add);
        run(choice, applied, p -> p.equals(DATA) ? 50_000_000L : p.equals(TWO) ? 70_000_000L : 100_000_000L);
        assertThat(choice.chosen()).contains(DATA);
        assertThat(applied.get(applied.size() - 1)).isEqualTo(DATA);
    }

    @Test
    void oneNoisyBlockDoesNotDecide() {
        List<Parallelism> applied = new ArrayList<>();
        ThreadChoice choice = ThreadChoice.of(TrainingThreads.auto(), 2, applied::add);
        int[] blocksAtTwo = {0};
        long[] batches = {0};
        for (int batch = 0; batch < 200 && choice.chosen().isEmpty(); batch++) {
            choice.beforeBatch();
            Parallelism now = applied.get(applied.size() - 1);
            boolean measured = batch >= ThreadChoice.WARMUP;
            if (measured && now.equals(TWO) && batches[0]++ % ThreadChoice.BLOCK == 0) {
                blocksAtTwo[0]++;
            }
            // 1 thread is faster, but the first two blocks with 2 threads are lucky ones (the first is not counted)
            long nanos = now.equals(ONE) ? 80_000_000L : now.equals(TWO) && blocksAtTwo[0] <= 2 ? 20_000_000L
                    : 100_000_000L;
            choice.afterBatch(64, nanos);
        }
        assertThat(choice.chosen()).contains(ONE);
    }

    @Test
    void aFixedCountIsSetOnceAndInheritSetsNothing() {
        List<Parallelism> applied = new ArrayList<>();
        ThreadChoice fixed = ThreadChoice.of(TrainingThreads.fixed(8), 2, applied::add);
        run(fixed, applied, p -> 1);
        assertThat(fixed.chosen()).contains(TWO);
        assertThat(applied).as("at most what native code has, never data parallel").containsExactly(TWO);

        List<Parallelism> workers = new ArrayList<>();
        ThreadChoice many = ThreadChoice.of(TrainingThreads.fixed(new Parallelism(64, 4)), 2, workers::add);
        assertThat(many.chosen()).as("no more workers or threads than cores").contains(DATA);
        assertThat(workers).containsExactly(DATA);

        List<Parallelism> none = new ArrayList<>();
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
        List<Parallelism> applied = new ArrayList<>();
        ThreadChoice choice = ThreadChoice.of(TrainingThreads.auto(), 2, applied::add);
        for (int batch = 0; batch < ThreadChoice.WARMUP + 2; batch++) {
            choice.beforeBatch();
            choice.afterBatch(64, 1_000_000L);
        }
        assertThat(applied).containsExactly(TWO, ONE);
        choice.finish();
        assertThat(choice.chosen()).contains(TWO);
        assertThat(applied).containsExactly(TWO, ONE, TWO);
    }

    @Test
    void theCandidatesAreOneHalfAllAndTwoWorkers() {
        assertThat(TrainingThreads.candidates(1)).containsExactly(ONE);
        assertThat(TrainingThreads.candidates(2)).containsExactly(ONE, TWO, DATA);
        assertThat(TrainingThreads.candidates(8)).containsExactly(ONE, Parallelism.threads(4), Parallelism.threads(8),
                new Parallelism(2, 4));
        List<Parallelism> applied = new ArrayList<>();
        ThreadChoice choice = ThreadChoice.of(TrainingThreads.auto(), 8, applied::add);
        run(choice, applied, p -> p.equals(Parallelism.threads(4)) ? 50_000_000L : 100_000_000L);
        assertThat(choice.chosen()).contains(Parallelism.threads(4));
        assertThat(applied.subList(0, 4)).containsExactly(Parallelism.threads(8), ONE, Parallelism.threads(4),
                Parallelism.threads(8));
    }
}
