/**
 * Where a study's trials live, shared by all its workers: SQLite or PostgreSQL through JDBC, trial numbers handed
 * out once, heartbeats, and lost trials marked by whichever worker notices.
 */
package dev.fmnist.tune.storage;
