package dev.fmnist.server;

import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.server.batch.BatchingExecutor;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model the server was asked to serve: loaded and ready, or failed with the reason. A failed model makes
 * the server not ready, but never stops the other models from serving.
 *
 * @param version the run folder's name, so a retrained model is a new version
 * @param index   the catalog its {@code similar} route searches, if one was served beside it
 */
public record ServedModel(String name, String version, Path source, Optional<Predictor> predictor,
        Optional<BatchingExecutor> executor, Optional<CatalogIndex> index, Optional<String> failure) {

    public static ServedModel ready(String name, String version, Path source, Predictor predictor,
            BatchingExecutor executor, Optional<CatalogIndex> index) {
        return new ServedModel(name, version, source, Optional.of(predictor), Optional.of(executor), index,
                Optional.empty());
    }

    public static ServedModel failed(String name, String version, Path source, String reason) {
        return new ServedModel(name, version, source, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(reason));
    }

    public boolean isReady() {
        return predictor.isPresent();
    }
}
