package dev.fmnist.runtime.model;

import dev.fmnist.runtime.nativecpu.HelperFallback;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.run.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The model file: DL4J's {@link ModelSerializer} zip with one more entry, {@value #MANIFEST_ENTRY}. One file
 * means one atomic rename: it is written under a temporary name and moved into place, so a run killed at
 * any moment leaves the previous file intact, never a broken one.
 */
public final class ModelFile {

    public static final String MANIFEST_ENTRY = "fmnist-manifest.json";
    /** What {@link #save} writes: DL4J's configuration, weights, optimizer state (or no-weights marker), the manifest. */
    private static final java.util.Set<String> ENTRIES = java.util.Set.of(ModelSerializer.CONFIGURATION_JSON,
            ModelSerializer.COEFFICIENTS_BIN, ModelSerializer.UPDATER_BIN, ModelSerializer.NO_PARAMS_MARKER,
            MANIFEST_ENTRY);

    private ModelFile() {}

    /** Writes the network (with its optimizer state when {@code withUpdater}, for resuming) and manifest. */
    public static void save(Network network, ModelManifest manifest, Path file, boolean withUpdater) {
        if (manifest.networkKind() != network.kind()) {
            throw new IllegalArgumentException("the manifest says the network is a " + manifest.networkKind()
                    + " network but it is a " + network.kind() + " network");
        }
        writeThroughTemp(file, "cannot write the model ", temp -> {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ModelSerializer.writeModel(network.model(), temp.toFile(), withUpdater);
        }, manifest);
    }

    /**
     * Replaces a model file's manifest, its network untouched: the file is copied, the copy's manifest entry
     * rewritten, and the copy renamed over the file, so a crash leaves the old file or the new one.
     */
    public static void replaceManifest(Path file, ModelManifest manifest) {
        ModelManifest current = manifest(file);
        if (manifest.networkKind() != current.networkKind()) {
            throw new IllegalArgumentException("the new manifest of " + file + " says the network is a "
                    + manifest.networkKind() + " network but it is a " + current.networkKind() + " network");
        }
        writeThroughTemp(file, "cannot rewrite the manifest of ",
                temp -> Files.copy(file, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING), manifest);
    }

    private interface TempWriter {
        void write(Path temp) throws IOException;
    }

    /**
     * Writes {@code file} as a temporary sibling (its network from {@code network}, then {@code manifest} as its
     * manifest entry) renamed over it, so the file is never seen half-written; a leftover temporary is deleted.
     */
    private static void writeThroughTemp(Path file, String failure, TempWriter network, ModelManifest manifest) {
        Path temp = null;
        try {
            temp = Json.tempSibling(file);
            network.write(temp);
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + temp.toUri()), Map.of())) {
                Files.write(zip.getPath(MANIFEST_ENTRY), Json.MAPPER.writeValueAsBytes(manifest));
            }
            Json.replace(temp, file);
        } catch (IOException e) {
            throw new ModelFileException(failure + file + ": " + e.getMessage(), e);
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

    /**
     * Reads only the manifest: cheap, no ND4J work. It also refuses a file with entries the platform never writes:
     * DL4J reads some of them ({@code preprocessor.bin}, {@code normalizer.bin}) with Java deserialization, which a
     * hostile file would turn into code execution, so no such file reaches {@link ModelSerializer}.
     */
    public static ModelManifest manifest(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            zip.stream().map(ZipEntry::getName).forEach(name -> checkEntry(file, name));
            ZipEntry entry = zip.getEntry(MANIFEST_ENTRY);
            if (entry == null) {
                throw noManifest(file);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return parseManifest(file, in.readAllBytes());
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

    private static void checkEntry(Path file, String name) {
        if (!ENTRIES.contains(name)) {
            throw new ModelFileException(file + " holds the entry '" + name + "', which fmnist model files never have "
                    + "(they hold " + String.join(", ", new java.util.TreeSet<>(ENTRIES)) + "); refused unread");
        }
    }

    private static ModelFileException noManifest(Path file) {
        return new ModelFileException(file + " has no " + MANIFEST_ENTRY
                + ": it is not an fmnist model (a plain DL4J model file has no manifest)");
    }

    private static ModelManifest parseManifest(Path file, byte[] json) throws IOException {
        ModelManifest manifest = Json.MAPPER.readValue(json, ModelManifest.class);
        if (manifest.formatVersion() > ModelManifest.READS_UP_TO) {
            throw new ModelFileException(file + " was written in model format " + manifest.formatVersion()
                    + " by fmnist " + manifest.platformVersion() + "; this platform (" + Versions.platform()
                    + ") reads format " + ModelManifest.READS_UP_TO + " and older");
        }
        return manifest;
    }

    /**
     * The file's bytes, once, with the manifest as DL4J will see the entries: through their local headers
     * ({@link ZipInputStream}, as {@link ModelSerializer} reads), every entry allowed and none twice. A zip's
     * central directory (what {@link ZipFile} lists) can hide an entry its local headers hold, so the check is
     * made on the very bytes DL4J is given.
     */
    private static SavedBytes read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException("no model file at " + file);
        } catch (IOException e) {
            throw new ModelFileException("cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] manifestJson = null;
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                checkEntry(file, entry.getName());
                if (!seen.add(entry.getName())) {
                    throw new ModelFileException(file + " holds the entry '" + entry.getName() + "' twice; refused "
                            + "unread");
                }
                if (entry.getName().equals(MANIFEST_ENTRY)) {
                    manifestJson = zip.readAllBytes();
                }
            }
            if (seen.isEmpty()) {
                throw new ModelFileException(file + " is not a model file (not a zip archive)");
            }
            if (manifestJson == null) {
                throw noManifest(file);
            }
            return new SavedBytes(bytes, parseManifest(file, manifestJson));
        } catch (ZipException e) {
            throw new ModelFileException(file + " is not a model file (not a zip archive)");
        } catch (IOException e) {
            throw new ModelFileException("cannot read the manifest of " + file + ": " + e.getMessage(), e);
        }
    }

    private record SavedBytes(byte[] bytes, ModelManifest manifest) {}

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
        SavedBytes saved = read(file);
        ModelManifest manifest = saved.manifest();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(classes.loaderFor(manifest));
            Model network = switch (manifest.networkKind()) {
                case LAYERS -> ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(saved.bytes()),
                        withUpdater);
                case GRAPH -> ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(saved.bytes()),
                        withUpdater);
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
