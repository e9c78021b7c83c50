package dev.fmnist.eval.metrics;

/**
 * Two classes the model mixes up, counted both ways.
 *
 * @param aAsB images of class a predicted as b
 * @param bAsA images of class b predicted as a
 */
public record ConfusedPair(String a, String b, int aAsB, int bAsA) {

    public int total() {
        return aAsB + bAsA;
    }
}
