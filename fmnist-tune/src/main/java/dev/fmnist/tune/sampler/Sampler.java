package dev.fmnist.tune.sampler;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.space.SearchSpace;
import java.util.List;
import java.util.Map;

/** Chooses the next trial's values. Implementations hold their own seeded random source. */
public interface Sampler {

    /**
     * @param trials every trial of the study so far, in any state (a sampler learns from the finished ones)
     * @return a value for every parameter of {@code space}: {@link Double}, {@link Long} or {@link String}
     */
    Map<String, Object> sample(SearchSpace space, List<Trial> trials, Direction direction);
}
