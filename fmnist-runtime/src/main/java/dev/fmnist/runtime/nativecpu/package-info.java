/**
 * DL4J's native layer helpers on the CPU backend: oneDNN convolution, pooling, batch normalization and local
 * response normalization in place of DL4J's Java-side im2col, separate GEMMs and many small ops. On by
 * default, switched per process by {@link dev.fmnist.runtime.nativecpu.LayerHelpers}; a layer whose helper
 * fails falls back to DL4J's built-in path (DL4J's own fallback, kept on for every layer). Beside them, what makes
 * DL4J and ND4J M2.1 fast on the CPU without forking them: faster passes of the same maths for training and for one
 * image, the native thread counts, compatibility classes, and the server's watch on its resident size.
 */
package dev.fmnist.runtime.nativecpu;
