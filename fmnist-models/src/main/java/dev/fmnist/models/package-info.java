/**
 * Model plugins: the built-in architectures ({@code .builtin}), discovery of plugins on the class path and
 * in a plugins folder ({@code .plugins}), and {@link dev.fmnist.models.ModelBuilder}, which turns a plugin
 * and the user's hyperparameters into an initialized network.
 */
package dev.fmnist.models;
