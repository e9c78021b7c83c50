package dev.fmnist.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which images a command works on: Fashion-MNIST (found where {@code data.dir} and the other {@code data.*} keys
 * say) or a folder of labelled images, one sub-folder per class. Written {@code fashion-mnist} or
 * {@code folder:DIR}, as in {@code --data folder:catalog}.
 */
public record SourceChoice(Optional<Path> folder) {

    public static final SourceChoice FASHION_MNIST = new SourceChoice(Optional.empty());

    private static final String FOLDER_PREFIX = "folder:";

    public SourceChoice {
        requireNonNull(folder, "folder is null");
    }

    public static SourceChoice folder(Path dir) {
        return new SourceChoice(Optional.of(dir));
    }

    /** @throws IllegalArgumentException naming the two forms, when {@code text} is neither */
    public static SourceChoice parse(String text) {
        String value = text.trim();
        if (value.equals("fashion-mnist")) {
            return FASHION_MNIST;
        }
        if (value.startsWith(FOLDER_PREFIX) && value.length() > FOLDER_PREFIX.length()) {
            return folder(Path.of(value.substring(FOLDER_PREFIX.length())));
        }
        throw new IllegalArgumentException("'" + text + "' is not a data source: use fashion-mnist, or folder:DIR "
                + "for a folder with one sub-folder of images per class");
    }

    @Override
    public String toString() {
        return folder.map(dir -> FOLDER_PREFIX + dir).orElse("fashion-mnist");
    }
}
