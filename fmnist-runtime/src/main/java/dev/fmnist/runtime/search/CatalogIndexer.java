package dev.fmnist.runtime.search;

import dev.fmnist.runtime.model.ModelFile;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.runtime.predict.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds a {@link CatalogIndex}: every image embedded by one model, in batches. The catalog's classes need not be
 * the model's: an embedding describes any image, and items keep their own labels.
 */
public final class CatalogIndexer {

    private CatalogIndexer() {}

    /**
     * @param modelFile the file {@code predictor} was loaded from, recorded with its SHA-256
     * @param ids       each image's id, in image order
     * @param hnsw      the approximate graph's settings; null for exact search only
     */
    public static CatalogIndex index(Predictor predictor, Path modelFile, LabelledImages images, List<String> ids,
            String data, CatalogIndex.Hnsw hnsw) {
        if (ids.size() != images.count()) {
            throw new IllegalArgumentException(ids.size() + " ids for " + images.count() + " images");
        }
        float[][] rows = predictor.embeddings(images);
        List<CatalogIndex.Item> items = new ArrayList<>(images.count());
        for (int i = 0; i < images.count(); i++) {
            items.add(new CatalogIndex.Item(ids.get(i), images.classNames().get(images.label(i))));
        }
        byte[] pixels = new byte[images.count() * images.shape().pixels()];
        images.pixelBuffer().get(pixels);
        int dimensions = rows.length == 0 ? 0 : rows[0].length;
        CatalogIndex.Manifest manifest = new CatalogIndex.Manifest(CatalogIndex.FORMAT_VERSION, modelFile.toString(),
                networkSha256(modelFile), predictor.manifest().modelId(), data, images.count(), dimensions,
                images.shape().pixels(), Instant.now().toString(), hnsw);
        return CatalogIndex.build(manifest, items, rows, pixels);
    }

    /**
     * Whether an index's recorded SHA-256 names this model file's network: the hash of its network's entries (an
     * index's since calibration, which rewrites only the manifest and leaves the embeddings as they were), or of the
     * whole file (an index made before).
     */
    public static boolean sameNetwork(Path modelFile, String recorded) {
        return recorded.equals(networkSha256(modelFile)) || recorded.equals(sha256(modelFile));
    }

    /** The SHA-256 of a model file's entries but its manifest, by name, each name and content hashed in turn. */
    public static String networkSha256(Path modelFile) {
        try (ZipFile zip = new ZipFile(modelFile.toFile())) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<? extends ZipEntry> entries = zip.stream()
                    .filter(entry -> !entry.getName().equals(ModelFile.MANIFEST_ENTRY))
                    .sorted(Comparator.comparing(ZipEntry::getName)).toList();
            for (ZipEntry entry : entries) {
                digest.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = new DigestInputStream(zip.getInputStream(entry), digest)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelFile + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of a file's bytes, which identifies a model whatever its path. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
