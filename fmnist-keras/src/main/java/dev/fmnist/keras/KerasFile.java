package dev.fmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;

/**
 * What a Keras HDF5 file says of itself before DL4J imports it: the Keras version and backend that wrote it, whether
 * it is a layer stack ({@code Sequential}) or a functional model, its layers, and the shape of its input. Files that
 * are not Keras 2 HDF5 models are refused here with a sentence, before the importer's own messages could be reached.
 */
record KerasFile(Path path, String kerasVersion, String backend, boolean sequential, List<KerasLayer> layers,
        List<Long> inputShape) {

    /** A layer of the file's {@code model_config}: its Keras class and its name. */
    record KerasLayer(String kind, String name) {}

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // HDF5 prints its own error stack to stderr before throwing; the refusals here say what was wrong instead
        org.bytedeco.hdf5.Exception.dontPrint();
    }

    static KerasFile read(Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new KerasImportException(path + " is not a readable file");
        }
        byte[] head = head(path);
        if (startsWith(head, ZIP_SIGNATURE)) {
            throw new KerasImportException(path + " is a zip archive, the .keras format of Keras 3, which DL4J's "
                    + "importer does not read: save the model as Keras 2 HDF5 (tf.keras 2.x: model.save(\"model.h5\"))");
        }
        if (!startsWith(head, HDF5_SIGNATURE)) {
            throw new KerasImportException(path + " is not an HDF5 file (it does not start with HDF5's signature): "
                    + "give the .h5 file Keras 2's model.save wrote");
        }
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            Hdf5Archive archive;
            try {
                archive = new Hdf5Archive(path.toString());
            } catch (RuntimeException e) {
                throw new KerasImportException(path + " could not be opened as HDF5: " + e.getMessage(), e);
            }
            try {
                if (!archive.hasAttribute("model_config")) {
                    throw new KerasImportException(path + " holds no model_config: it is a file of weights only "
                            + "(save_weights), which has no architecture to import; save the whole model with "
                            + "model.save(\"model.h5\")");
                }
                String version = attribute(archive, "keras_version").orElse("unknown");
                if (version.startsWith("3")) {
                    throw new KerasImportException(path + " was written by Keras " + version + ": DL4J's importer reads "
                            + "Keras 1 and 2 files only; save the model with tf.keras 2.x, or rebuild it there and "
                            + "copy the weights");
                }
                String backend = attribute(archive, "backend").orElse("unknown");
                JsonNode config = JSON.readTree(archive.readAttributeAsJson("model_config"));
                return parse(path, version, backend, config);
            } catch (IOException | RuntimeException
                    | org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException e) {
                if (e instanceof KerasImportException refusal) {
                    throw refusal;
                }
                throw new KerasImportException(path + "'s model_config cannot be read as JSON: " + e.getMessage(), e);
            } finally {
                archive.close();
            }
        }
    }

    private static KerasFile parse(Path path, String version, String backend, JsonNode config) {
        String kind = config.path("class_name").asText();
        boolean sequential = kind.equals("Sequential");
        if (!sequential && !kind.equals("Functional") && !kind.equals("Model")) {
            throw new KerasImportException(path + " holds a model of class '" + kind + "': the importer reads "
                    + "Sequential and functional (Model) models");
        }
        JsonNode layerNodes = config.path("config").isArray() ? config.path("config")
                : config.path("config").path("layers");
        List<KerasLayer> layers = new ArrayList<>();
        List<Long> inputShape = null;
        for (JsonNode layer : layerNodes) {
            String name = layer.path("config").path("name").asText(layer.path("name").asText());
            layers.add(new KerasLayer(layer.path("class_name").asText(), name));
            JsonNode shape = layer.path("config").path("batch_input_shape");
            if (inputShape == null && shape.isArray()) {
                inputShape = new ArrayList<>();
                for (int i = 1; i < shape.size(); i++) {
                    inputShape.add(shape.get(i).isNull() ? -1L : shape.get(i).asLong());
                }
            }
        }
        if (layers.isEmpty()) {
            throw new KerasImportException(path + "'s model_config lists no layers");
        }
        if (inputShape == null) {
            throw new KerasImportException(path + "'s model declares no input shape (batch_input_shape): build it "
                    + "with an Input or input_shape before saving it");
        }
        return new KerasFile(path, version, backend, sequential, List.copyOf(layers), List.copyOf(inputShape));
    }

    /** The first layer of a Keras class, such as {@code Rescaling}. */
    Optional<KerasLayer> layerOfKind(String kind) {
        return layers.stream().filter(l -> l.kind().equals(kind)).findFirst();
    }

    private static Optional<String> attribute(Hdf5Archive archive, String name) {
        try {
            return archive.hasAttribute(name) ? Optional.of(archive.readAttributeAsString(name).trim())
                    : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static byte[] head(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(8);
        } catch (IOException e) {
            throw new KerasImportException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] head, byte[] signature) {
        return head.length >= signature.length && Arrays.equals(head, 0, signature.length, signature, 0,
                signature.length);
    }
}
