package dev.fmnist.runtime.search;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An approximate search: a hierarchical navigable small-world graph (Malkov and Yashunin, 2016) from
 * {@code hnswlib-core}, over inner products of L2-normalized rows. Its recall against {@link ExactSearch} is
 * measured by {@code fmnist bench similar}; {@code m}, {@code efConstruction} and {@code ef} trade build time,
 * memory and query time for recall.
 */
public final class HnswSearch implements Search {

    /** One catalog item in the graph: its position in the index and its embedding. */
    record Vector(Integer id, float[] vector) implements Item<Integer, float[]> {

        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    private final HnswIndex<Integer, float[], Vector, Float> index;

    private HnswSearch(HnswIndex<Integer, float[], Vector, Float> index) {
        this.index = index;
    }

    /** Builds the graph with every core. */
    public static HnswSearch build(float[] embeddings, int dimensions, int m, int efConstruction, int ef) {
        int count = embeddings.length / dimensions;
        HnswIndex<Integer, float[], Vector, Float> index = HnswIndex
                .newBuilder(dimensions, DistanceFunctions.FLOAT_INNER_PRODUCT, Math.max(1, count))
                .withM(m).withEfConstruction(efConstruction).withEf(ef)
                .build();
        List<Vector> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(new Vector(i, Arrays.copyOfRange(embeddings, i * dimensions, (i + 1) * dimensions)));
        }
        try {
            index.addAll(items);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the HNSW index", e);
        }
        return new HnswSearch(index);
    }

    /**
     * What a saved graph holds, and nothing else, for Java deserialization (hnswlib's format): the index, its
     * distance function, item serializer and comparator, our items, their float arrays. A file naming any other
     * class (a gadget chain) is refused before any object of it is made; depth and array length are bounded.
     */
    static final ObjectInputFilter GRAPH_CLASSES = ObjectInputFilter.Config.createFilter("maxdepth=20;"
            + "maxarray=" + 65_536 + ";"
            + "com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;"
            + "com.github.jelmerk.hnswlib.core.DistanceFunctions$FloatInnerProduct;"
            + "com.github.jelmerk.hnswlib.core.JavaObjectSerializer;"
            + HnswSearch.Vector.class.getName() + ";"
            + "java.lang.Integer;java.lang.Number;java.lang.Enum;java.util.Comparators$NaturalOrderComparator;"
            + "!*");

    /** @throws IndexException for a file that is not a graph this platform wrote, unread past what gave it away */
    @SuppressWarnings("unchecked")
    public static HnswSearch load(Path file) {
        try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(file))) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass type) throws IOException, ClassNotFoundException {
                return Class.forName(type.getName(), false, HnswSearch.class.getClassLoader());
            }
        }) {
            in.setObjectInputFilter(GRAPH_CLASSES);
            Object graph = in.readObject();
            if (!(graph instanceof HnswIndex<?, ?, ?, ?> index)) {
                throw new IndexException(file + " is not an HNSW graph");
            }
            return new HnswSearch((HnswIndex<Integer, float[], Vector, Float>) index);
        } catch (java.io.InvalidClassException e) {
            throw new IndexException("refused the HNSW graph " + file + ": it holds what a graph never does ("
                    + e.getMessage() + ")");
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new IndexException("cannot read the HNSW graph " + file + ": " + e.getMessage());
        }
    }

    public void save(Path file) {
        try {
            index.save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Candidates kept while searching: more is slower and finds more of the true neighbours. */
    public void setEf(int ef) {
        index.setEf(ef);
    }

    @Override
    public Hit[] nearest(float[] query, int k) {
        List<SearchResult<Vector, Float>> results = index.findNearest(query, k);
        Hit[] hits = new Hit[results.size()];
        for (int i = 0; i < hits.length; i++) {
            // Inner-product distance is 1 - dot: back to a similarity.
            hits[i] = new Hit(results.get(i).item().id(), 1 - results.get(i).distance());
        }
        return hits;
    }
}
