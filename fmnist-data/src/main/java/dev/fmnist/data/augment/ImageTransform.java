package dev.fmnist.data.augment;

import java.util.SplittableRandom;

/** One random change of an 8-bit grey image, in place. */
interface ImageTransform {

    /**
     * @param pixels row-major, {@code height * width} bytes
     * @param random this image's own generator
     */
    void apply(byte[] pixels, int height, int width, SplittableRandom random);

    /** The transform as written in an augmentation spec, such as {@code crop:4}. */
    String spec();
}
