/** How the next trial's values are chosen: at random, or by TPE (Parzen estimators of the good and the rest). */
package dev.fmnist.tune.sampler;
