/** Dynamic batching: concurrent requests for a model are joined into one forward pass on its worker thread. */
package dev.fmnist.server.batch;
