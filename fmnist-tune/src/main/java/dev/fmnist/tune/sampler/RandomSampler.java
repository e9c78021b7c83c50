package dev.fmnist.tune.sampler;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Every value drawn independently from its distribution: the baseline TPE must beat. */
public final class RandomSampler implements Sampler {

    private final Random random;

    public RandomSampler(long seed) {
        this.random = new Random(mix(seed));
    }

    /**
     * SplitMix64's finalizer: java.util.Random's first draws for nearby seeds (0, 1, 2...) are nearly the same
     * numbers, which would give every study of consecutive seeds the same first trials.
     */
    static long mix(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public Map<String, Object> sample(SearchSpace space, List<Trial> trials, Direction direction) {
        Map<String, Object> values = new LinkedHashMap<>();
        space.parameters().forEach((name, distribution) -> values.put(name, distribution.sample(random)));
        return values;
    }
}
