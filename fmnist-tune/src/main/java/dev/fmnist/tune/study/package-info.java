/** The worker loop: sample, run the objective, report steps to the pruner, record; until the study is done. */
package dev.fmnist.tune.study;
