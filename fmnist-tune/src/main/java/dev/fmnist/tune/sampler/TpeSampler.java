package dev.fmnist.tune.sampler;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.space.Distribution;
import dev.fmnist.tune.space.Distribution.Categorical;
import dev.fmnist.tune.space.Distribution.FloatRange;
import dev.fmnist.tune.space.Distribution.IntRange;
import dev.fmnist.tune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio and Kégl, "Algorithms for Hyper-Parameter
 * Optimization", NeurIPS 2011), univariate, with Optuna's defaults (Watanabe, "Tree-Structured Parzen Estimator:
 * Understanding Its Algorithm Components and Their Roles for Better Empirical Performance", 2023):
 *
 * <ul>
 *   <li>the first {@code startupTrials} (10) trials are random;</li>
 *   <li>then the finished trials split into the best {@code min(ceil(0.1 n), 25)} ("below") and the rest ("above",
 *       with every pruned trial);</li>
 *   <li>for each parameter, a density l(x) of the below values and g(x) of the above ones (Parzen estimators with
 *       a prior), {@code candidates} (24) draws from l, and the draw with the largest l(x) / g(x) is taken.</li>
 * </ul>
 */
public final class TpeSampler implements Sampler {

    private final Random random;
    private final int startupTrials;
    private final int candidates;
    private final double priorWeight;
    private final RandomSampler startup;

    public TpeSampler(long seed) {
        this(seed, 10, 24, 1.0);
    }

    public TpeSampler(long seed, int startupTrials, int candidates, double priorWeight) {
        this.random = new Random(RandomSampler.mix(seed));
        this.startup = new RandomSampler(RandomSampler.mix(seed)); // a stream of its own: mixed once more inside
        this.startupTrials = startupTrials;
        this.candidates = candidates;
        this.priorWeight = priorWeight;
    }

    @Override
    public Map<String, Object> sample(SearchSpace space, List<Trial> trials, Direction direction) {
        List<Trial> complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE && t.value().isPresent())
                .sorted(Comparator.comparingInt(Trial::number)).toList();
        List<Trial> pruned = trials.stream().filter(t -> t.state() == TrialState.PRUNED).toList();
        // as Optuna counts them: a pruned trial is a finished observation too (of a bad region), or a study with a
        // pruner would go on sampling at random long after its start-up trials
        int finished = complete.size() + pruned.size();
        if (finished < startupTrials || complete.isEmpty()) {
            return startup.sample(space, trials, direction);
        }
        List<Trial> ranked = new ArrayList<>(complete);
        ranked.sort(Comparator.comparingDouble(t -> direction.loss(t.value().getAsDouble())));
        int belowCount = Math.min(Math.min((int) Math.ceil(0.1 * finished), 25), complete.size());
        List<Trial> below = new ArrayList<>(ranked.subList(0, belowCount));
        List<Trial> above = new ArrayList<>(ranked.subList(belowCount, ranked.size()));
        above.addAll(pruned);
        // each group in the order its trials ran, for the estimator's recency weights
        below.sort(Comparator.comparingInt(Trial::number));
        above.sort(Comparator.comparingInt(Trial::number));

        Map<String, Object> values = new LinkedHashMap<>();
        space.parameters().forEach((name, distribution) ->
                values.put(name, sample(name, distribution, below, above)));
        return values;
    }

    private Object sample(String name, Distribution distribution, List<Trial> below, List<Trial> above) {
        if (distribution instanceof Categorical categorical) {
            return categorical(name, categorical, below, above);
        }
        double low;
        double high;
        if (distribution instanceof FloatRange range) {
            low = range.toInternal(range.low());
            high = range.toInternal(range.high());
        } else {
            IntRange range = (IntRange) distribution;
            low = range.toInternal(range.low() - 0.5); // each integer owns [i - 0.5, i + 0.5], as when sampled
            high = range.toInternal(range.high() + 0.5);
        }
        ParzenEstimator l = new ParzenEstimator(internal(name, distribution, below), low, high, priorWeight);
        ParzenEstimator g = new ParzenEstimator(internal(name, distribution, above), low, high, priorWeight);
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates; i++) {
            double x = l.sample(random);
            double score = l.logDensity(x) - g.logDensity(x);
            if (score > bestScore) {
                bestScore = score;
                best = x;
            }
        }
        if (distribution instanceof FloatRange range) {
            return range.fromInternal(best);
        }
        return ((IntRange) distribution).fromInternal(best);
    }

    /** The group's values of a numeric parameter in the space the estimator works in (log for log ranges). */
    private static double[] internal(String name, Distribution distribution, List<Trial> group) {
        return group.stream().map(t -> t.params().get(name)).filter(v -> v instanceof Number)
                .mapToDouble(v -> {
                    double value = ((Number) v).doubleValue();
                    return distribution instanceof FloatRange range ? range.toInternal(value)
                            : ((IntRange) distribution).toInternal(value);
                }).toArray();
    }

    /** Counts of each choice in each group plus a uniform prior; the candidate with the largest l / g. */
    private Object categorical(String name, Categorical categorical, List<Trial> below, List<Trial> above) {
        double[] l = choiceWeights(name, categorical, below);
        double[] g = choiceWeights(name, categorical, above);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates; i++) {
            int choice = draw(l);
            double score = Math.log(l[choice]) - Math.log(g[choice]);
            if (score > bestScore) {
                bestScore = score;
                best = choice;
            }
        }
        return categorical.choices().get(best);
    }

    private double[] choiceWeights(String name, Categorical categorical, List<Trial> group) {
        int k = categorical.choices().size();
        double[] weights = new double[k];
        java.util.Arrays.fill(weights, priorWeight / k);
        double[] recency = ParzenEstimator.observationWeights(group.size());
        for (int i = 0; i < group.size(); i++) {
            int index = categorical.choices().indexOf(String.valueOf(group.get(i).params().get(name)));
            if (index >= 0) {
                weights[index] += recency[i];
            }
        }
        double sum = java.util.Arrays.stream(weights).sum();
        for (int i = 0; i < k; i++) {
            weights[i] /= sum;
        }
        return weights;
    }

    private int draw(double[] weights) {
        double pick = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (pick < cumulative) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
