package dev.fmnist.data;

import java.util.Arrays;
import java.util.List;

/** The ten Fashion-MNIST classes, in label order: {@code ordinal()} is the label stored in the IDX files. */
public enum FashionClass {
    T_SHIRT_TOP("T-shirt/top"),
    TROUSER("Trouser"),
    PULLOVER("Pullover"),
    DRESS("Dress"),
    COAT("Coat"),
    SANDAL("Sandal"),
    SHIRT("Shirt"),
    SNEAKER("Sneaker"),
    BAG("Bag"),
    ANKLE_BOOT("Ankle boot");

    private static final List<String> DISPLAY_NAMES =
            Arrays.stream(values()).map(FashionClass::displayName).toList();

    private final String displayName;

    FashionClass(String displayName) {
        this.displayName = displayName;
    }

    /** The name people read, as the dataset's authors wrote it ("T-shirt/top", "Ankle boot"). */
    public String displayName() {
        return displayName;
    }

    /** The label value of this class in the dataset. */
    public int label() {
        return ordinal();
    }

    /** The class with the given label, or an exception naming the valid range. */
    public static FashionClass ofLabel(int label) {
        if (label < 0 || label >= values().length) {
            throw new IllegalArgumentException("label " + label + " is not a Fashion-MNIST class (0..9)");
        }
        return values()[label];
    }

    /** Display names in label order. */
    public static List<String> displayNames() {
        return DISPLAY_NAMES;
    }
}
