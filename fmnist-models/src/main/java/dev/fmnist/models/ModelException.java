package dev.fmnist.models;

/**
 * A model cannot be found, configured or built: an unknown id, a hyperparameter the plugin does not accept,
 * a plugin that throws. The message names the plugin, where it came from and what went wrong.
 */
public class ModelException extends RuntimeException {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
