/**
 * Data sources of labelled image folders: a team's catalog, one sub-folder per class, made 28x28 like every
 * image input.
 */
package dev.fmnist.data.folder;
