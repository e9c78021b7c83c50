/**
 * Hyperparameter search. {@code .space}: what a study searches (ranges and choices, from YAML); {@code .sampler}:
 * how the next trial's values are chosen (random, TPE); {@code .prune}: when a running trial is stopped early
 * (median, asynchronous successive halving). The algorithms see trials only as {@link dev.fmnist.tune.Trial}
 * values, so they are tested on cheap functions and know nothing of training.
 */
package dev.fmnist.tune;
