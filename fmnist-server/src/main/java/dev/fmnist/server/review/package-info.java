/**
 * A review desk for a person in the loop: the images of a folder that a model is not sure enough of, most uncertain
 * first, leased to one reviewer at a time, and each decision written at once and durably (an append-only log, and the
 * image copied into {@code reviewed/<class>/} for fine-tuning).
 */
package dev.fmnist.server.review;
