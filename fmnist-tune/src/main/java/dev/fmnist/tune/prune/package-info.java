/** When a running trial is stopped after a step: the median rule, or asynchronous successive halving. */
package dev.fmnist.tune.prune;
