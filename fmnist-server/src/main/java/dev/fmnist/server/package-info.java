/** The HTTP prediction server. */
package dev.fmnist.server;
