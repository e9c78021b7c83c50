/**
 * DL4J's native layer helpers on the CPU backend: oneDNN convolution, pooling, batch normalization and local
 * response normalization in place of DL4J's Java-side im2col, separate GEMMs and many small ops. On by
 * default, switched per process by {@link dev.fmnist.runtime.nativecpu.LayerHelpers}; a layer whose helper
 * fails falls back to DL4J's built-in path (DL4J's own fallback, kept on for every layer).
 */
package dev.fmnist.runtime.nativecpu;
