/**
 * Evaluation and reporting: {@link dev.fmnist.eval.Evaluator} measures one run (metrics in {@code .metrics},
 * pictures in {@code .charts}, the HTML page in {@code .report}); {@link dev.fmnist.eval.Comparison} sets
 * runs side by side; {@code .predict} classifies image files with a run's model.
 */
package dev.fmnist.eval;
