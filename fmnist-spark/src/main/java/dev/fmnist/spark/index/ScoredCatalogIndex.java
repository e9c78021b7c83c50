package dev.fmnist.spark.index;

import static org.apache.spark.sql.functions.col;

import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.spark.score.ScoredSchema;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Builds a {@link CatalogIndex} from scored rows that carry embeddings and pixels: the rows stream to the driver
 * in id order (never all at once through {@code collect}) and the index is built there, exactly as
 * {@code fmnist index} builds one on one machine. Items are labelled with the model's own top class (a catalog
 * scored this way has no labels of its own); error rows are left out.
 */
public final class ScoredCatalogIndex {

    private ScoredCatalogIndex() {}

    /**
     * @param modelFile   recorded in the index with its SHA-256, which queries are checked against
     * @param hnsw        the approximate graph's settings; null for exact search only
     */
    public static CatalogIndex build(Dataset<Row> scored, String modelFile, String modelSha256, String data,
            CatalogIndex.Hnsw hnsw) {
        Dataset<Row> usable = scored.where(col(ScoredSchema.ERROR).isNull())
                .select(col(ScoredSchema.ID), col(ScoredSchema.LABEL), col(ScoredSchema.EMBEDDING),
                        col(ScoredSchema.PIXELS), col(ScoredSchema.MODEL))
                .orderBy(ScoredSchema.ID);
        List<CatalogIndex.Item> items = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        String modelId = null;
        int imagePixels = 0;
        Iterator<Row> stream = usable.toLocalIterator();
        while (stream.hasNext()) {
            Row row = stream.next();
            items.add(new CatalogIndex.Item(row.getString(0), row.getString(1)));
            List<Float> embedding = row.getList(2);
            float[] values = new float[embedding.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = embedding.get(i);
            }
            rows.add(values);
            byte[] image = (byte[]) row.get(3);
            imagePixels = image.length;
            pixels.writeBytes(image);
            modelId = row.getString(4);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no image of the catalog could be read: nothing to index");
        }
        CatalogIndex.Manifest manifest = new CatalogIndex.Manifest(CatalogIndex.FORMAT_VERSION, modelFile, modelSha256,
                modelId, data, items.size(), rows.get(0).length, imagePixels, Instant.now().toString(), hnsw);
        return CatalogIndex.build(manifest, items, rows.toArray(float[][]::new), pixels.toByteArray());
    }
}
