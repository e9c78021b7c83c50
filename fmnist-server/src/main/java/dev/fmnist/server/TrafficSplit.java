package dev.fmnist.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a model's requests that name no version are shared between its versions: by weight ({@code {"2": 90, "3":
 * 10}}), or all to the current version when no split is set. A request with a route key (a catalog item's id, a
 * user's) always lands on the same version for the same weights, so a canary sees whole items, not halves of them.
 *
 * @param weights version to weight, in the order given; empty: every request goes to the current version
 */
public record TrafficSplit(Map<String, Integer> weights) {

    public static final TrafficSplit NONE = new TrafficSplit(Map.of());

    public TrafficSplit {
        weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        long total = 0;
        for (Map.Entry<String, Integer> weight : weights.entrySet()) {
            if (weight.getValue() == null || weight.getValue() < 0) {
                throw new IllegalArgumentException("the weight of version '" + weight.getKey()
                        + "' must be a whole number, 0 or more");
            }
            total += weight.getValue();
        }
        if (!weights.isEmpty() && total == 0) {
            throw new IllegalArgumentException("the traffic weights add up to 0: at least one version must get some");
        }
        if (total > 1_000_000) {
            throw new IllegalArgumentException("the traffic weights add up to " + total + "; keep them to 1,000,000 "
                    + "in all (percentages are the usual choice)");
        }
    }

    public boolean isSet() {
        return !weights.isEmpty();
    }

    /** The weight of one version as a share of all, in percent; 0 for a version without one. */
    public double percent(String version) {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        return total == 0 ? 0 : 100.0 * weights.getOrDefault(version, 0) / total;
    }

    /**
     * The version a request goes to: by its route key's hash when it has one, at random otherwise.
     *
     * @return empty when no split is set (the current version answers)
     */
    public Optional<String> pick(Optional<String> routeKey) {
        if (weights.isEmpty()) {
            return Optional.empty();
        }
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        int ticket = routeKey.map(key -> Math.floorMod(mix(key.hashCode()), total))
                .orElseGet(() -> ThreadLocalRandom.current().nextInt(total));
        for (Map.Entry<String, Integer> weight : weights.entrySet()) {
            ticket -= weight.getValue();
            if (ticket < 0) {
                return Optional.of(weight.getKey());
            }
        }
        throw new IllegalStateException("unreachable: the ticket is below the total");
    }

    /** MurmurHash3's finalizer: keys that differ by a character ("item-1", "item-2") land far apart. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
