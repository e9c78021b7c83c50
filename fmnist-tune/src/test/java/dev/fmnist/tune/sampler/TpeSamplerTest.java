package dev.fmnist.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.space.Distribution;
import dev.fmnist.tune.space.Distribution.Categorical;
import dev.fmnist.tune.space.Distribution.FloatRange;
import dev.fmnist.tune.space.Distribution.IntRange;
import dev.fmnist.tune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class TpeSamplerTest {

    private static final int SEEDS = 25;

    /** Branin on x1 in [-5, 10], x2 in [0, 15]: three global minima of 0.397887. */
    private static final SearchSpace BRANIN = space("x1", new FloatRange(-5, 10, false),
            "x2", new FloatRange(0, 15, false));

    /** Parameters in the order given: Map.of's order changes from one JVM to the next, and with it the draws. */
    private static SearchSpace space(Object... nameThenDistribution) {
        Map<String, Distribution> parameters = new LinkedHashMap<>();
        for (int i = 0; i < nameThenDistribution.length; i += 2) {
            parameters.put((String) nameThenDistribution[i], (Distribution) nameThenDistribution[i + 1]);
        }
        return new SearchSpace(parameters);
    }

    private static double branin(Map<String, Object> p) {
        double x1 = (Double) p.get("x1");
        double x2 = (Double) p.get("x2");
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        return Math.pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    /** The best value after {@code trials} trials of a sampler, minimizing. */
    private static double best(Sampler sampler, SearchSpace space, ToDoubleFunction<Map<String, Object>> objective,
            int trials) {
        List<Trial> done = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int n = 0; n < trials; n++) {
            Map<String, Object> params = sampler.sample(space, done, Direction.MINIMIZE);
            double value = objective.applyAsDouble(params);
            done.add(Trial.complete(n, params, value));
            best = Math.min(best, value);
        }
        return best;
    }

    private static double median(LongFunction<Sampler> sampler, SearchSpace space,
            ToDoubleFunction<Map<String, Object>> objective, int trials) {
        double[] bests = new double[SEEDS];
        for (int seed = 0; seed < SEEDS; seed++) {
            bests[seed] = best(sampler.apply(seed), space, objective, trials);
        }
        Arrays.sort(bests);
        return bests[SEEDS / 2];
    }

    @Test
    void prunedTrialsCountTowardsTheStartUpTrialsAndTeachWhereNotToGo() {
        // 4 complete trials, all "good", and 6 pruned ones, all "bad": 10 finished, so TPE is past its start-up
        // trials (as in Optuna) and must prefer "good"; counting complete trials only, it would still draw at
        // random, about half "bad"
        SearchSpace space = space("choice", new Categorical(List.of("good", "bad")));
        List<Trial> done = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            Map<String, Object> params = Map.of("choice", n < 4 ? "good" : "bad");
            done.add(n < 4 ? Trial.complete(n, params, 0.1 * n)
                    : Trial.complete(n, params, 5).finished(TrialState.PRUNED, OptionalDouble.of(5)));
        }
        int good = 0;
        for (int seed = 0; seed < 40; seed++) {
            if ("good".equals(new TpeSampler(seed).sample(space, done, Direction.MINIMIZE).get("choice"))) {
                good++;
            }
        }
        assertThat(good).as("samples of 'good' out of 40").isGreaterThanOrEqualTo(34);
    }

    @Test
    void findsBetterBraninValuesThanRandomSearch() {
        double tpe = median(TpeSampler::new, BRANIN, TpeSamplerTest::branin, 60);
        double random = median(RandomSampler::new, BRANIN, TpeSamplerTest::branin, 60);
        assertThat(tpe).as("median best after 60 trials over %d seeds: TPE %.3f, random %.3f", SEEDS, tpe, random)
                .isLessThan(random);
    }

    @Test
    void findsBetterValuesOfAMixedNoisySpaceThanRandomSearch() {
        SearchSpace space = space("lr", new FloatRange(1e-5, 1, true), "width", new IntRange(8, 256, true),
                "schedule", new Categorical(List.of("step", "cosine", "one-cycle", "none")));
        Random noise = new Random(7);
        // a learning rate best near 3e-3, a width near 64, and cosine; with a little noise
        ToDoubleFunction<Map<String, Object>> objective = p -> {
            double lr = Math.log10((Double) p.get("lr")) - Math.log10(3e-3);
            double width = Math.log((Long) p.get("width") / 64.0);
            double schedule = p.get("schedule").equals("cosine") ? 0 : 0.5;
            return lr * lr + width * width + schedule + 0.02 * noise.nextGaussian();
        };
        double tpe = median(TpeSampler::new, space, objective, 50);
        double random = median(RandomSampler::new, space, objective, 50);
        assertThat(tpe).as("TPE %.3f, random %.3f", tpe, random).isLessThan(random);
    }

    @Test
    void samplesStayInTheirRangesAndTypes() {
        SearchSpace space = space("lr", new FloatRange(1e-4, 1e-1, true), "batch", new IntRange(16, 512, true),
                "depth", new IntRange(1, 3, false), "augment", new Categorical(List.of("none", "flip")));
        TpeSampler sampler = new TpeSampler(3);
        List<Trial> done = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            Map<String, Object> p = sampler.sample(space, done, Direction.MAXIMIZE);
            assertThat((Double) p.get("lr")).isBetween(1e-4, 1e-1);
            assertThat((Long) p.get("batch")).isBetween(16L, 512L);
            assertThat((Long) p.get("depth")).isBetween(1L, 3L);
            assertThat(p.get("augment")).isIn("none", "flip");
            done.add(Trial.complete(n, p, (Long) p.get("depth") + (p.get("augment").equals("flip") ? 1 : 0)));
        }
        // maximizing depth + flip: after the random start-up, TPE proposes the best corner most of the time
        long corner = done.subList(30, 60).stream().filter(t -> t.params().get("depth").equals(3L)
                && t.params().get("augment").equals("flip")).count();
        assertThat(corner).isGreaterThan(15);
    }

    @Test
    void theSameSeedGivesTheSameTrials() {
        List<Object> first = new ArrayList<>();
        List<Object> second = new ArrayList<>();
        for (List<Object> into : List.of(first, second)) {
            TpeSampler sampler = new TpeSampler(11);
            List<Trial> done = new ArrayList<>();
            for (int n = 0; n < 20; n++) {
                Map<String, Object> p = sampler.sample(BRANIN, done, Direction.MINIMIZE);
                into.add(p);
                done.add(Trial.complete(n, p, branin(p)));
            }
        }
        assertThat(first).isEqualTo(second);
    }
}
