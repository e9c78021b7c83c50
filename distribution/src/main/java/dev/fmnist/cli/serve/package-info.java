/** {@code fmnist serve}: the prediction server until SIGTERM or Ctrl-C. */
package dev.fmnist.cli.serve;
