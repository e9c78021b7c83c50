/** Evaluation of trained models and the reports made from it. */
package dev.fmnist.eval;
