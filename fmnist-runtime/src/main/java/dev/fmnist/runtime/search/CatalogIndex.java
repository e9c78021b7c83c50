package dev.fmnist.runtime.search;

import static java.util.Objects.requireNonNull;

import dev.fmnist.runtime.run.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
     * @param modelSha256 that file's SHA-256: queries must be embedded by the same model
     * @param modelId     its plugin
     * @param data        the images' source
     * @param dimensions  width of an embedding
     * @param hnsw        the approximate graph's settings; null for an exact index
     */
    public record Manifest(int formatVersion, String modelFile, String modelSha256, String modelId, String data,
            int items, int dimensions, int imagePixels, String builtAt, Hnsw hnsw) {}

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

    /** Writes the folder; files are replaced one by one, the manifest last. */
    public void save(Path folder) {
        try {
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
            Files.deleteIfExists(folder.resolve(HNSW));
            if (approximate != null) {
                approximate.save(folder.resolve(HNSW));
            }
            Json.write(folder.resolve(MANIFEST), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the index " + folder + ": " + e.getMessage(), e);
        }
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
            HnswSearch graph = manifest.hnsw() == null ? null : HnswSearch.load(folder.resolve(HNSW));
            return new CatalogIndex(manifest, items, embeddings, pixels, graph);
        } catch (IOException e) {
            throw new IndexException("cannot read the index " + folder + ": " + e.getMessage());
        }
    }
}
