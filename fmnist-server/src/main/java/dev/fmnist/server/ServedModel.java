package dev.fmnist.server;

import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.server.batch.BatchingExecutor;
import java.util.Optional;

/**
 * A model of the server's repository: loaded and ready, loading, or unavailable with the reason (it failed to
 * load, or was unloaded). A model that failed never stops the other models from serving.
 *
 * @param version  the run folder's name, so a retrained model is a new version
 * @param source   the run folder and the similar-item index it was loaded from: what a reload reads again
 * @param index    the catalog its {@code similar} route searches, if one was served beside it
 * @param required whether the server is not ready without it: true unless it was unloaded on purpose or a load
 *                 through the repository API failed (that load's caller was told; the models serving go on)
 */
public record ServedModel(String name, String version, ModelSource source, State state, Optional<Predictor> predictor,
        Optional<BatchingExecutor> executor, Optional<CatalogIndex> index, Optional<String> failure,
        boolean required) {

    /** The states of the model repository extension's index, by their protocol names. */
    public enum State { READY, LOADING, UNAVAILABLE }

    public static ServedModel ready(String name, String version, ModelSource source, Predictor predictor,
            BatchingExecutor executor, Optional<CatalogIndex> index) {
        return new ServedModel(name, version, source, State.READY, Optional.of(predictor), Optional.of(executor),
                index, Optional.empty(), true);
    }

    public static ServedModel loading(String name, String version, ModelSource source) {
        return new ServedModel(name, version, source, State.LOADING, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), true);
    }

    public static ServedModel failed(String name, String version, ModelSource source, String reason,
            boolean required) {
        return new ServedModel(name, version, source, State.UNAVAILABLE, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(reason), required);
    }

    public boolean isReady() {
        return state == State.READY;
    }

    /** Why it is not ready: the failure, "loading", or "unloaded". */
    public String reason() {
        return failure.orElse(state == State.LOADING ? "loading" : "");
    }
}
