/** Finding the dataset's files: a configured folder, Debian's package, or a verified download into a cache. */
package dev.fmnist.data.source;
