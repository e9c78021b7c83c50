/** Self-contained HTML reports, and the architecture summary of a network. */
package dev.fmnist.eval.report;
