/**
 * The payload log: a sampled record of what was asked and answered (to audit tags, to find images to label and
 * retrain on), written by a thread of its own to size-rotated JSON lines files.
 */
package dev.fmnist.server.payload;
