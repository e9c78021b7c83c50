/** A study's report: JSON of every trial, parameter importance, PNG charts and one self-contained HTML page. */
package dev.fmnist.tune.report;
