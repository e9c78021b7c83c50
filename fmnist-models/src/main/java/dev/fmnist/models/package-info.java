/** The built-in model plugins, each registered in {@code META-INF/services/dev.fmnist.api.ModelPlugin}. */
package dev.fmnist.models;
