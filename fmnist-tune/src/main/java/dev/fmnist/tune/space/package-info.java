/** What a study searches: each parameter's distribution (float, int, categorical; log ranges), read from YAML. */
package dev.fmnist.tune.space;
