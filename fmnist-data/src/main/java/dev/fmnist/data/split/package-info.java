/** Seeded, stratified train/validation splits. */
package dev.fmnist.data.split;
