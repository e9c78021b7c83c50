package dev.fmnist.runtime.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index of 2,000 real test images embedded by a small trained cnn. */
@Tag("dataset")
class CatalogIndexTest {

    private static final int ITEMS = 2_000;

    static LabelledImages images;
    static Path modelFile;
    static CatalogIndex index;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() {
        images = RealDataset.get().dataset().testImages().subset(IntStream.range(0, ITEMS).toArray());
        modelFile = new RunDirectory(TestModels.cnn()).model();
        Predictor predictor = Predictor.load(modelFile);
        List<String> ids = IntStream.range(0, ITEMS).mapToObj(i -> "test/" + i).toList();
        index = CatalogIndexer.index(predictor, modelFile, images, ids, "test images",
                new CatalogIndex.Hnsw(16, 100, 50));
    }

    @Test
    void anItemsNearestNeighbourIsItselfInBothSearches() {
        for (int item = 0; item < ITEMS; item += 97) {
            float[] query = index.embedding(item);
            Search.Hit exact = index.exact().nearest(query, 1)[0];
            assertThat(exact.item()).isEqualTo(item);
            assertThat(exact.similarity()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            List<Neighbour> approximate = index.nearest(query, 10);
            assertThat(approximate.get(0).id()).isEqualTo("test/" + item);
            assertThat(approximate).isSortedAccordingTo((a, b) -> Double.compare(b.similarity(), a.similarity()));
        }
    }

    @Test
    void neighboursMostlyShareTheQuerysClassAndTheGraphFindsWhatExactSearchFinds() {
        int sameClass = 0;
        int found = 0;
        int queries = 0;
        for (int item = 0; item < ITEMS; item += 20) {
            float[] query = index.embedding(item);
            Search.Hit[] exact = index.exact().nearest(query, 10);
            Search.Hit[] approximate = index.search().nearest(query, 10);
            List<Integer> truth = new ArrayList<>();
            for (Search.Hit hit : exact) {
                truth.add(hit.item());
                sameClass += images.label(hit.item()) == images.label(item) ? 1 : 0;
            }
            for (Search.Hit hit : approximate) {
                found += truth.contains(hit.item()) ? 1 : 0;
            }
            queries++;
        }
        assertThat(sameClass / (10.0 * queries)).as("precision@10").isGreaterThan(0.7);
        assertThat(found / (10.0 * queries)).as("recall@10 of HNSW").isGreaterThan(0.9);
    }

    @Test
    void anIndexKnowsItsModelAfterItsManifestIsRewrittenButNotAnotherModel() throws IOException {
        Path copy = dir.resolve("best.zip");
        java.nio.file.Files.copy(modelFile, copy);
        String recorded = index.manifest().modelSha256();
        dev.fmnist.runtime.model.ModelFile.replaceManifest(copy, dev.fmnist.runtime.model.ModelFile.manifest(copy)
                .withCalibration(new dev.fmnist.runtime.model.Calibration(1.5, 100, 0.5, 0.4)));
        assertThat(CatalogIndexer.sha256(copy)).isNotEqualTo(CatalogIndexer.sha256(modelFile));
        assertThat(CatalogIndexer.sameNetwork(copy, recorded)).as("calibrated: the same network").isTrue();
        assertThat(CatalogIndexer.sameNetwork(modelFile, CatalogIndexer.sha256(modelFile)))
                .as("an index made before, with the whole file's hash").isTrue();
        Path other = new RunDirectory(TestModels.mlp()).model();
        assertThat(CatalogIndexer.sameNetwork(other, recorded)).isFalse();
    }

    @Test
    void aSavedIndexLoadsAsItWasAndADamagedOneIsNamed() throws IOException {
        Path folder = dir.resolve("index");
        index.save(folder);
        CatalogIndex loaded = CatalogIndex.load(folder);
        assertThat(loaded.size()).isEqualTo(ITEMS);
        assertThat(loaded.manifest().withHnswSha256(null)).isEqualTo(index.manifest());
        assertThat(loaded.manifest().hnswSha256()).isEqualTo(CatalogIndexer.sha256(folder.resolve("hnsw.bin")));
        assertThat(loaded.manifest().modelSha256()).isEqualTo(CatalogIndexer.networkSha256(modelFile));
        assertThat(loaded.pixels(5)).isEqualTo(index.pixels(5));
        assertThat(loaded.item(7)).isEqualTo(new CatalogIndex.Item("test/7", images.classNames().get(images.label(7))));
        assertThat(loaded.nearest(index.embedding(3), 5)).isEqualTo(index.nearest(index.embedding(3), 5));

        // saved again over itself, whole, with nothing left beside it; a folder that is not an index is not replaced
        index.save(folder);
        assertThat(CatalogIndex.load(folder).size()).isEqualTo(ITEMS);
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("index");
        }
        Path notAnIndex = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notAnIndex.resolve("todo.txt"), "keep me");
        assertThatThrownBy(() -> index.save(notAnIndex)).isInstanceOf(IndexException.class)
                .hasMessageContaining("exists and is not an index");
        assertThat(notAnIndex.resolve("todo.txt")).hasContent("keep me");

        // a graph swapped since the build is refused before hnswlib deserializes it
        byte[] graph = Files.readAllBytes(folder.resolve("hnsw.bin"));
        graph[graph.length / 2] ^= 1;
        Files.write(folder.resolve("hnsw.bin"), graph);
        assertThatThrownBy(() -> CatalogIndex.load(folder)).isInstanceOf(IndexException.class)
                .hasMessageContaining(folder.resolve("hnsw.bin") + " is not the graph this index was built with")
                .hasMessageContaining("refused unread");

        Files.write(folder.resolve("pixels.u8"), new byte[10]);
        assertThatThrownBy(() -> CatalogIndex.load(folder)).isInstanceOf(IndexException.class)
                .hasMessageContaining(folder + " is incomplete or damaged");
        assertThatThrownBy(() -> CatalogIndex.load(dir.resolve("none"))).isInstanceOf(IndexException.class)
                .hasMessageContaining("no index at " + dir.resolve("none"));
    }

    /** hnswlib's format is Java serialization: a file naming any class a graph never holds is refused unloaded. */
    @Test
    void aGraphFileNamingOtherClassesIsRefusedBeforeTheyLoad() throws IOException {
        Path file = dir.resolve("hnsw.bin");
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(Files.newOutputStream(file))) {
            out.writeObject(new java.util.HashMap<>(java.util.Map.of("gadget", 1)));
        }
        assertThatThrownBy(() -> HnswSearch.load(file)).isInstanceOf(IndexException.class)
                .hasMessageContaining("refused the HNSW graph " + file).hasMessageContaining("REJECTED");
    }
}
