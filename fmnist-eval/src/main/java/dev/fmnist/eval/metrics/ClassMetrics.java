package dev.fmnist.eval.metrics;

/** Precision, recall and F1 of one class, and how many images truly belong to it (support). */
public record ClassMetrics(int classIndex, String name, double precision, double recall, double f1, int support) {}
