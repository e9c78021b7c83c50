package dev.fmnist.runtime.search;

import static java.util.Objects.requireNonNull;

import dev.fmnist.runtime.run.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A catalog ready for similar-item search: each item's id, class and 28x28 pixels (for thumbnails), its
 * L2-normalized embedding by one model, and the model's identity. Kept as a folder: {@code index.json} (the
 * manifest), {@code items.tsv} (id and class per line), {@code embeddings.f32} (little-endian floats, one row
 * per item), {@code pixels.u8} and, when built approximate, {@code hnsw.bin}.
 */
public final class CatalogIndex {

    public static final int FORMAT_VERSION = 1;

    static final String MANIFEST = "index.json";
    static final String ITEMS = "items.tsv";
    static final String EMBEDDINGS = "embeddings.f32";
    static final String PIXELS = "pixels.u8";
    static final String HNSW = "hnsw.bin";

    /**
     * What an index holds and which model made it.
     *
     * @param modelFile   the model file the embeddings come from
     * @param modelSha256 the SHA-256 of that file's network entries (of the whole file in an index made before
     *                    calibration existed): queries must be embedded by the same network
     * @param modelId     its plugin
     * @param data        the images' source
     * @param dimensions  width of an embedding
     * @param hnsw        the approximate graph's settings; null for an exact index
     * @param hnswSha256  the SHA-256 of the saved graph ({@code hnsw.bin}), checked before it is read: hnswlib
     *                    reads it with Java deserialization; null until the index is saved, and for an exact one
     */
    public record Manifest(int formatVersion, String modelFile, String modelSha256, String modelId, String data,
            int items, int dimensions, int imagePixels, String builtAt, Hnsw hnsw, String hnswSha256) {

        /** A manifest of an index not saved yet. */
        public Manifest(int formatVersion, String modelFile, String modelSha256, String modelId, String data,
                int items, int dimensions, int imagePixels, String builtAt, Hnsw hnsw) {
            this(formatVersion, modelFile, modelSha256, modelId, data, items, dimensions, imagePixels, builtAt, hnsw,
                    null);
        }

        Manifest withHnswSha256(String value) {
            return new Manifest(formatVersion, modelFile, modelSha256, modelId, data, items, dimensions, imagePixels,
                    builtAt, hnsw, value);
        }
    }

    /** Settings of an HNSW graph: links per node, candidates while building, candidates while searching. */
    public record Hnsw(int m, int efConstruction, int ef) {}

    /** One catalog item. */
    public record Item(String id, String label) {}

    private final Manifest manifest;
    private final List<Item> items;
    private final float[] embeddings;
    private final byte[] pixels;
    private final ExactSearch exact;
    private final HnswSearch approximate;
    private final Map<String, Integer> positions = new HashMap<>();

    private CatalogIndex(Manifest manifest, List<Item> items, float[] embeddings, byte[] pixels,
            HnswSearch approximate) {
        this.manifest = requireNonNull(manifest, "manifest is null");
        this.items = List.copyOf(items);
        this.embeddings = embeddings;
        this.pixels = pixels;
        this.exact = new ExactSearch(embeddings, manifest.dimensions());
        this.approximate = approximate;
        for (int i = 0; i < items.size(); i++) {
            positions.putIfAbsent(items.get(i).id(), i);
        }
    }

    /**
     * An index of {@code items}, whose embeddings ({@code rows}, L2-normalized) and pixels are given in the same
     * order; with {@code hnsw}, an approximate graph is built too.
     */
    public static CatalogIndex build(Manifest manifest, List<Item> items, float[][] rows, byte[] pixels) {
        if (rows.length != items.size() || (long) items.size() * manifest.imagePixels() != pixels.length) {
            throw new IllegalArgumentException(items.size() + " items, " + rows.length + " embeddings and "
                    + pixels.length + " pixel bytes do not match");
        }
        int dimensions = manifest.dimensions();
        float[] flat = flatten(rows, dimensions);
        HnswSearch graph = manifest.hnsw() == null ? null : HnswSearch.build(flat, dimensions, manifest.hnsw().m(),
                manifest.hnsw().efConstruction(), manifest.hnsw().ef());
        return new CatalogIndex(manifest, items, flat, pixels, graph);
    }

    /** Rows of {@code dimensions} floats laid end to end, as both searches take them. */
    public static float[] flatten(float[][] rows, int dimensions) {
        float[] flat = new float[rows.length * dimensions];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * dimensions, dimensions);
        }
        return flat;
    }

    public Manifest manifest() {
        return manifest;
    }

    public int size() {
        return items.size();
    }

    public Item item(int position) {
        return items.get(position);
    }

    /** The position of the item with this id, if the index holds it. */
    public Optional<Integer> position(String id) {
        return Optional.ofNullable(positions.get(id));
    }

    /** The item's stored 28x28 grey pixels, for a thumbnail. */
    public byte[] pixels(int position) {
        int size = manifest.imagePixels();
        byte[] image = new byte[size];
        System.arraycopy(pixels, position * size, image, 0, size);
        return image;
    }

    public float[] embedding(int position) {
        int dimensions = manifest.dimensions();
        float[] row = new float[dimensions];
        System.arraycopy(embeddings, position * dimensions, row, 0, dimensions);
        return row;
    }

    public boolean hasApproximate() {
        return approximate != null;
    }

    /** The exact search; always available. */
    public Search exact() {
        return exact;
    }

    /** The HNSW graph when the index has one, else the exact search. */
    public Search search() {
        return approximate != null ? approximate : exact;
    }

    /** The {@code k} nearest items to an embedding, nearest first, by {@link #search()}. */
    public List<Neighbour> nearest(float[] query, int k) {
        return neighbours(search().nearest(query, k));
    }

    public List<Neighbour> neighbours(Search.Hit[] hits) {
        List<Neighbour> neighbours = new ArrayList<>(hits.length);
        for (Search.Hit hit : hits) {
            Item item = items.get(hit.item());
            neighbours.add(new Neighbour(hit.item(), item.id(), item.label(), hit.similarity()));
        }
        return neighbours;
    }

    /**
     * Writes the index as {@code folder}, whole: into a new folder beside it, then renamed into place, so a crash
     * while writing leaves the old index as it was, and a reader never pairs new embeddings with an old manifest
     * (between the two renames that replace an old index, a reader finds none and says so). An existing
     * {@code folder} must be an index (or empty): it is replaced.
     */
    public void save(Path folder) {
        Path target = folder.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IndexException(target + " is a file, not a folder; write the index to a folder of its own");
        }
        if (Files.isDirectory(target) && !Files.isRegularFile(target.resolve(MANIFEST)) && !isEmpty(target)) {
            throw new IndexException(target + " exists and is not an index (it has no " + MANIFEST + "); write the "
                    + "index to a folder of its own");
        }
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writeInto(temp);
            if (Files.exists(target)) {
                Path old = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".old");
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // the old index back where it was
                    throw e;
                }
                deleteTree(old);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            syncFolder(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the index " + folder + ": " + e.getMessage(), e);
        } finally {
            deleteTree(temp);
        }
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover dot-folder beside the index is harmless; the index itself is in place
        }
    }

    /** The index's files into a new folder, each on the disk before the manifest that names them. */
    private void writeInto(Path folder) throws IOException {
        Files.createDirectories(folder);
        StringBuilder tsv = new StringBuilder();
        for (Item item : items) {
            tsv.append(item.id().replace('\t', ' ').replace('\n', ' ')).append('\t').append(item.label())
                    .append('\n');
        }
        Files.writeString(folder.resolve(ITEMS), tsv, StandardCharsets.UTF_8);
        ByteBuffer floats = ByteBuffer.allocate(embeddings.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        floats.asFloatBuffer().put(embeddings);
        Files.write(folder.resolve(EMBEDDINGS), floats.array());
        Files.write(folder.resolve(PIXELS), pixels);
        Manifest saved = manifest.withHnswSha256(null);
        if (approximate != null) {
            approximate.save(folder.resolve(HNSW));
            saved = manifest.withHnswSha256(CatalogIndexer.sha256(folder.resolve(HNSW)));
        }
        for (String file : List.of(ITEMS, EMBEDDINGS, PIXELS, HNSW)) {
            sync(folder.resolve(file));
        }
        Json.write(folder.resolve(MANIFEST), saved);
    }

    private static void syncFolder(Path folder) {
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // some file systems cannot open a folder for syncing; the renames themselves stand
        }
    }

    private static void sync(Path file) throws IOException {
        if (Files.exists(file)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
    }

    /**
     * The saved graph, once its bytes are the ones the manifest names: a file damaged or swapped since the index was
     * built (not one rewritten with its manifest: that is what the class filter of {@link HnswSearch#load} is for)
     * is refused before hnswlib deserializes it.
     */
    private static Path checkedGraph(Path folder, Manifest manifest) {
        Path graph = folder.resolve(HNSW);
        if (manifest.hnswSha256() == null) {
            throw new IndexException(folder + " was built before indexes recorded the SHA-256 of " + HNSW
                    + ", which is checked before it is read; build it again with 'fmnist index'");
        }
        if (!Files.isRegularFile(graph)) {
            throw new IndexException(folder + " is incomplete: its manifest names an approximate graph but it holds "
                    + "no " + HNSW);
        }
        String actual = CatalogIndexer.sha256(graph);
        if (!actual.equals(manifest.hnswSha256())) {
            throw new IndexException(graph + " is not the graph this index was built with (SHA-256 " + actual
                    + ", the manifest says " + manifest.hnswSha256() + "); refused unread, build the index again");
        }
        return graph;
    }

    /** @throws IndexException naming the folder and what is wrong with it */
    public static CatalogIndex load(Path folder) {
        Path manifestFile = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IndexException("no index at " + folder + " (it holds no " + MANIFEST + "); build one with "
                    + "'fmnist index RUN_DIR --out " + folder + "'");
        }
        Manifest manifest;
        try {
            manifest = Json.MAPPER.readValue(manifestFile.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new IndexException(manifestFile + " is not an index manifest: " + e.getMessage());
        }
        if (manifest.formatVersion() > FORMAT_VERSION) {
            throw new IndexException(folder + " is an index of format " + manifest.formatVersion()
                    + "; this platform reads format " + FORMAT_VERSION + " and older");
        }
        try {
            List<Item> items = new ArrayList<>();
            for (String line : Files.readAllLines(folder.resolve(ITEMS), StandardCharsets.UTF_8)) {
                int tab = line.lastIndexOf('\t');
                if (tab < 0) {
                    throw new IndexException(folder.resolve(ITEMS) + " has a line without a tab: " + line);
                }
                items.add(new Item(line.substring(0, tab), line.substring(tab + 1)));
            }
            byte[] floatBytes = Files.readAllBytes(folder.resolve(EMBEDDINGS));
            byte[] pixels = Files.readAllBytes(folder.resolve(PIXELS));
            long expectedFloats = (long) manifest.items() * manifest.dimensions();
            if (items.size() != manifest.items() || floatBytes.length != expectedFloats * Float.BYTES
                    || pixels.length != (long) manifest.items() * manifest.imagePixels()) {
                throw new IndexException(folder + " is incomplete or damaged: " + MANIFEST + " says "
                        + manifest.items() + " items of " + manifest.dimensions() + " dimensions, but " + ITEMS
                        + " has " + items.size() + " lines, " + EMBEDDINGS + " " + floatBytes.length + " bytes and "
                        + PIXELS + " " + pixels.length + " bytes");
            }
            float[] embeddings = new float[(int) expectedFloats];
            ByteBuffer.wrap(floatBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(embeddings);
            HnswSearch graph = manifest.hnsw() == null ? null : HnswSearch.load(checkedGraph(folder, manifest));
            return new CatalogIndex(manifest, items, embeddings, pixels, graph);
        } catch (IOException e) {
            throw new IndexException("cannot read the index " + folder + ": " + e.getMessage());
        }
    }
}
