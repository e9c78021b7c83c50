package dev.fmnist.tune.report;

import dev.fmnist.tune.Trial;
import dev.fmnist.tune.space.Distribution;
import dev.fmnist.tune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of the objective's spread each parameter explains on its own: the correlation ratio η² of the complete
 * trials' objective grouped by the parameter (each choice of a categorical; five equal-count bins of a numeric
 * parameter, in log space for log ranges), normalized to sum to 1. Cheaper and cruder than Optuna's default
 * (fANOVA on a random forest, Hutter et al. 2014): it sees no interactions, and with few trials it is noisy.
 */
public final class Importance {

    private static final int BINS = 5;

    private Importance() {}

    /** Each parameter's share, largest first; empty with fewer than 2 complete trials. */
    public static Map<String, Double> of(SearchSpace space, List<Trial> complete) {
        if (complete.size() < 2) {
            return Map.of();
        }
        double[] values = complete.stream().mapToDouble(t -> t.value().getAsDouble()).toArray();
        double mean = java.util.Arrays.stream(values).average().orElse(0);
        double total = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        Map<String, Double> raw = new HashMap<>();
        space.parameters().forEach((name, distribution) -> {
            List<String> groups = groups(name, distribution, complete);
            Map<String, double[]> sums = new HashMap<>(); // group -> {sum, count}
            for (int i = 0; i < complete.size(); i++) {
                double[] s = sums.computeIfAbsent(groups.get(i), g -> new double[2]);
                s[0] += values[i];
                s[1]++;
            }
            double between = sums.values().stream().mapToDouble(s -> s[1] * Math.pow(s[0] / s[1] - mean, 2)).sum();
            raw.put(name, total == 0 ? 0 : between / total);
        });
        double sum = raw.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        raw.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> shares.put(e.getKey(), sum == 0 ? 0 : e.getValue() / sum));
        return shares;
    }

    /** Each trial's group for one parameter: its choice, or its equal-count bin. */
    private static List<String> groups(String name, Distribution distribution, List<Trial> trials) {
        List<String> groups = new ArrayList<>();
        if (distribution instanceof Distribution.Categorical) {
            trials.forEach(t -> groups.add(String.valueOf(t.params().get(name))));
            return groups;
        }
        boolean log = distribution instanceof Distribution.FloatRange f ? f.log()
                : ((Distribution.IntRange) distribution).log();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> numeric(trials.get(i).params().get(name), log)));
        String[] bins = new String[trials.size()];
        for (int rank = 0; rank < order.size(); rank++) {
            bins[order.get(rank)] = Integer.toString(rank * BINS / order.size());
        }
        return List.of(bins);
    }

    static double numeric(Object value, boolean log) {
        double v = value instanceof Number n ? n.doubleValue() : Double.NaN;
        return log ? Math.log(v) : v;
    }
}
