/** Commands of similar-item search: building a catalog index and querying it. */
package dev.fmnist.cli.search;
