package dev.fmnist.tune.sampler;

import java.util.Arrays;
import java.util.Random;

/**
 * A mixture of Gaussians truncated to [low, high], one per observation plus a wide prior at the centre: the
 * density model l(x) or g(x) of TPE for one numeric parameter. Bandwidths follow Bergstra et al. (2011): each
 * kernel is as wide as the larger gap to its neighbours, clipped to [(high - low) / min(100, 1 + n), high - low]
 * (Optuna's "magic clip"), the prior as wide as the range.
 */
final class ParzenEstimator {

    private static final int FLAT_WEIGHTS = 25;

    private final double[] weights;
    private final double[] mus;
    private final double[] sigmas;
    private final double low;
    private final double high;

    ParzenEstimator(double[] observations, double low, double high, double priorWeight) {
        this.low = low;
        this.high = high;
        int n = observations.length;
        double range = high - low;
        double[] means = Arrays.copyOf(observations, n + 1);
        means[n] = (low + high) / 2; // the prior
        Integer[] order = new Integer[n + 1];
        for (int i = 0; i <= n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(means[a], means[b]));
        double[] widths = new double[n + 1];
        for (int rank = 0; rank <= n; rank++) {
            double left = means[order[rank]] - (rank == 0 ? low : means[order[rank - 1]]);
            double right = (rank == n ? high : means[order[rank + 1]]) - means[order[rank]];
            widths[order[rank]] = Math.max(left, right);
        }
        double minimum = range / Math.min(100.0, 1.0 + n);
        for (int i = 0; i < n; i++) {
            widths[i] = Math.min(range, Math.max(minimum, widths[i]));
        }
        widths[n] = range;
        double[] w = new double[n + 1];
        double[] ramp = observationWeights(n);
        System.arraycopy(ramp, 0, w, 0, n);
        w[n] = priorWeight;
        double sum = Arrays.stream(w).sum();
        for (int i = 0; i <= n; i++) {
            w[i] /= sum;
        }
        this.weights = w;
        this.mus = means;
        this.sigmas = widths;
    }

    /**
     * The newest 25 observations weigh 1, older ones less and less (Optuna's default): with the observations in
     * the order the trials ran, a long study leans on what it learnt lately.
     */
    static double[] observationWeights(int n) {
        double[] weights = new double[n];
        Arrays.fill(weights, 1.0);
        int ramped = n - FLAT_WEIGHTS;
        for (int i = 0; i < ramped; i++) {
            weights[i] = 1.0 / n + (1.0 - 1.0 / n) * (ramped == 1 ? 0 : i / (double) (ramped - 1));
        }
        return weights;
    }

    double sample(Random random) {
        double pick = random.nextDouble();
        int component = 0;
        for (double cumulative = weights[0]; cumulative < pick && component < weights.length - 1; ) {
            component++;
            cumulative += weights[component];
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            double x = mus[component] + sigmas[component] * random.nextGaussian();
            if (x >= low && x <= high) {
                return x;
            }
        }
        return Math.min(high, Math.max(low, mus[component]));
    }

    double logDensity(double x) {
        double density = 0;
        for (int i = 0; i < weights.length; i++) {
            double mass = Normal.cdf((high - mus[i]) / sigmas[i]) - Normal.cdf((low - mus[i]) / sigmas[i]);
            density += weights[i] * Normal.pdf((x - mus[i]) / sigmas[i]) / (sigmas[i] * Math.max(mass, 1e-12));
        }
        return Math.log(Math.max(density, 1e-300));
    }

    /** The standard normal distribution's density and distribution function. */
    static final class Normal {
        private static final double ROOT_TWO_PI = Math.sqrt(2 * Math.PI);

        private Normal() {}

        static double pdf(double z) {
            return Math.exp(-0.5 * z * z) / ROOT_TWO_PI;
        }

        /** Through erf, Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
        static double cdf(double z) {
            double x = Math.abs(z) / Math.sqrt(2);
            double t = 1 / (1 + 0.3275911 * x);
            double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                    + t * 1.061405429)))) * Math.exp(-x * x);
            return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
        }
    }
}
