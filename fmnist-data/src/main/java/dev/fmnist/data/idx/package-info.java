/** Reading IDX files (gzipped or plain), with every malformation reported as a clear error. */
package dev.fmnist.data.idx;
