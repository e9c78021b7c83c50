package dev.fmnist.image;

/** The folder of a class in an image folder ({@code folder:DIR} data, exports, a review's decisions). */
public final class ClassFolder {

    private ClassFolder() {}

    /**
     * A class's sub-folder: its name with characters that cannot be in a file name replaced by '-'
     * ("T-shirt/top" becomes "T-shirt-top").
     */
    public static String name(String className) {
        return className.replaceAll("[/\\\\:*?\"<>|]", "-");
    }
}
