/** Dataset images as files: product photos made from them, and image folders written out. */
package dev.fmnist.data.image;
