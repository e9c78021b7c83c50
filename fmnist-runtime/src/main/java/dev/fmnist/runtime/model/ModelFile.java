package dev.fmnist.runtime.model;

import dev.fmnist.runtime.nativecpu.HelperFallback;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.run.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The model file: DL4J's {@link ModelSerializer} zip with one more entry, {@value #MANIFEST_ENTRY}. One file
 * means one atomic rename: it is written under a temporary name and moved into place, so a run killed at
 * any moment leaves the previous file intact, never a broken one.
 */
public final class ModelFile {

    public static final String MANIFEST_ENTRY = "fmnist-manifest.json";

    private ModelFile() {}

    /** Writes the network (with its optimizer state when {@code withUpdater}, for resuming) and manifest. */
    public static void save(Network network, ModelManifest manifest, Path file, boolean withUpdater) {
        if (manifest.networkKind() != network.kind()) {
            throw new IllegalArgumentException("the manifest says the network is a " + manifest.networkKind()
                    + " network but it is a " + network.kind() + " network");
        }
        Path temp = null;
        try {
            Path folder = file.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            temp = Json.tempSibling(file);
            ModelSerializer.writeModel(network.model(), temp.toFile(), withUpdater);
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + temp.toUri()), Map.of())) {
                Files.write(zip.getPath(MANIFEST_ENTRY), Json.MAPPER.writeValueAsBytes(manifest));
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ModelFileException("cannot write the model " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temp file has a dot-name and is harmless; the failure above is what matters
                }
            }
        }
    }

    /** Reads only the manifest: cheap, no ND4J work. */
    public static ModelManifest manifest(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(MANIFEST_ENTRY);
            if (entry == null) {
                throw new ModelFileException(file + " has no " + MANIFEST_ENTRY
                        + ": it is not an fmnist model (a plain DL4J model file has no manifest)");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                ModelManifest manifest = Json.MAPPER.readValue(in, ModelManifest.class);
                if (manifest.formatVersion() > ModelManifest.FORMAT_VERSION) {
                    throw new ModelFileException(file + " was written in model format " + manifest.formatVersion()
                            + " by fmnist " + manifest.platformVersion() + "; this platform ("
                            + Versions.platform() + ") reads format " + ModelManifest.FORMAT_VERSION + " and older");
                }
                return manifest;
            }
        } catch (NoSuchFileException e) {
            throw new ModelFileException("no model file at " + file);
        } catch (ZipException e) {
            throw new ModelFileException(file + " is not a model file (not a zip archive)");
        } catch (IOException e) {
            if (!file.toFile().exists()) {
                throw new ModelFileException("no model file at " + file);
            }
            throw new ModelFileException("cannot read the manifest of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the manifest, then the network, with the platform's classes only. */
    public static SavedModel load(Path file, boolean withUpdater) {
        return load(file, withUpdater, PluginClasses.platform());
    }

    /**
     * Reads the manifest, then the network through the class loader of the plugin that built it: DL4J's JSON
     * names layer, activation and schedule classes, and Jackson resolves them with the thread's context
     * class loader, so a plugin's own classes are found only while that loader is in place.
     */
    public static SavedModel load(Path file, boolean withUpdater, PluginClasses classes) {
        ModelManifest manifest = manifest(file);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(classes.loaderFor(manifest));
            Model network = switch (manifest.networkKind()) {
                case LAYERS -> ModelSerializer.restoreMultiLayerNetwork(file.toFile(), withUpdater);
                case GRAPH -> ModelSerializer.restoreComputationGraph(file.toFile(), withUpdater);
            };
            HelperFallback.apply(network);
            return new SavedModel(Network.of(network), manifest);
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new ModelFileException(file + ": DL4J " + manifest.dl4jVersion() + " wrote it (model '"
                    + manifest.modelId() + "' from " + manifest.pluginOrigin() + ") but DL4J " + Versions.dl4j()
                    + " cannot restore the network here: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
