package dev.fmnist.cli;

import dev.fmnist.image.ImageInputException;
import dev.fmnist.image.ImagePreprocessor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Image files named on a command line, converted as every image input is: a file that is missing or not an image
 * is reported in one line and counted, and the others are still answered.
 */
public final class ImageFiles {

    private final ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS);
    private final PrintWriter err;
    private int failed;

    public ImageFiles(PrintWriter err) {
        this.err = err;
    }

    /** The file's 28x28 pixels, or empty after saying on stderr why there are none. */
    public Optional<byte[]> pixels(Path image) {
        try {
            return Optional.of(preprocessor.pixels(Files.readAllBytes(image), image.toString()));
        } catch (ImageInputException e) {
            return failure(e.getMessage());
        } catch (NoSuchFileException e) {
            return failure(image + ": no such file");
        } catch (IOException e) {
            return failure(image + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private Optional<byte[]> failure(String message) {
        failed++;
        err.printf("fmnist: %s%n", message);
        return Optional.empty();
    }

    /** The exit code: 0 when every file was answered, 1 when one was not. */
    public int exitCode() {
        err.flush();
        return failed == 0 ? 0 : 1;
    }
}
