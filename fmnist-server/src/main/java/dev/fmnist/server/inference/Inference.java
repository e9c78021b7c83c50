package dev.fmnist.server.inference;

import dev.fmnist.runtime.explain.Explainer;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ModelVersions;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.batch.BatchingExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The serving core both protocols call: finds a model by name and version (or the version its traffic split gives a
 * request), counts a request in with it, and runs encoded images on its batching thread with the request's
 * deadline. Failures are {@link ServingError}s.
 */
public final class Inference {

    private final ModelRepository models;
    private final long timeoutMillis;

    /** @param timeoutMillis how long a request may take from its arrival ({@code server.timeout-ms}) */
    public Inference(ModelRepository models, long timeoutMillis) {
        this.models = models;
        this.timeoutMillis = timeoutMillis;
    }

    /** When a request arriving now must have its answer, in {@link System#nanoTime()}. */
    public long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /**
     * The deadline of a request arriving now that asks for {@code requestedMillis} (a client's own timeout): the
     * sooner of it and the server's.
     *
     * @throws ServingError INVALID_ARGUMENT for a timeout that is not a positive number of milliseconds
     */
    public long deadline(Optional<String> requestedMillis) {
        if (requestedMillis.isEmpty()) {
            return deadline();
        }
        long asked;
        try {
            asked = Long.parseLong(requestedMillis.get().strip());
        } catch (NumberFormatException e) {
            asked = 0;
        }
        if (asked <= 0) {
            throw ServingError.invalid("a request's timeout is a whole number of milliseconds, 1 or more; got '"
                    + requestedMillis.get() + "'");
        }
        return deadline(asked);
    }

    /** The deadline of a request arriving now that may take {@code millis}, or the server's timeout if sooner. */
    public long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, Math.min(millis, timeoutMillis)));
    }

    /** {@link #model(String, String, Optional)} of a request without a route key. */
    public ServedModel model(String name, String version) {
        return model(name, version, Optional.empty());
    }

    /**
     * The named model, in any state: the version asked for, else the one its traffic split gives this request
     * (by {@code routeKey} when it has one), else its current version.
     *
     * @param version the version asked for; null or empty for the model's bare name
     * @throws ServingError NOT_FOUND for an unknown name or version
     */
    public ServedModel model(String name, String version, Optional<String> routeKey) {
        ModelVersions versions = models.versions(name).orElseThrow(() -> ServingError.notFound("unknown model '"
                + name + "'; served: " + String.join(", ", models.all().stream().map(ServedModel::name).toList())));
        if (version == null || version.isEmpty()) {
            return versions.route(routeKey);
        }
        ServedModel model = versions.versions().get(version);
        if (model == null) {
            throw ServingError.notFound("model '" + name + "' has no version '" + version + "'; it has '"
                    + String.join("', '", versions.versions().keySet()) + "'");
        }
        return model;
    }

    /** @throws ServingError NOT_FOUND as {@link #model}, UNAVAILABLE when it is not loaded */
    public ServedModel ready(String name, String version) {
        return ready(model(name, version));
    }

    private static ServedModel ready(ServedModel model) {
        if (!model.isReady()) {
            throw ServingError.unavailable("model '" + model.name() + "' is not ready: " + model.reason(), 30);
        }
        return model;
    }

    /**
     * The ready model counted in, so that an unload lets the request finish: the caller must {@link Admission#leave}
     * once it has answered.
     *
     * @throws ServingError as {@link #ready}, and UNAVAILABLE when the model is being unloaded
     */
    public Admission admit(String name, String version) {
        return admit(name, version, Optional.empty());
    }

    /** {@link #admit(String, String)} of the version {@link #model(String, String, Optional)} chooses. */
    public Admission admit(String name, String version, Optional<String> routeKey) {
        ServedModel model = ready(model(name, version, routeKey));
        BatchingExecutor executor = model.executor().orElseThrow();
        if (!executor.enter()) {
            throw ServingError.unavailable("model '" + model.name() + "' version " + model.version() + " is being unloaded", 1);
        }
        // the versions a client may ask for by name, the one answering first
        List<String> versions = new ArrayList<>(List.of(model.version()));
        models.versions(model.name()).ifPresent(all -> all.versions().values().stream()
                .filter(v -> v.isReady() && !v.version().equals(model.version()))
                .forEach(v -> versions.add(v.version())));
        return new Admission(model, model.predictor().orElseThrow(), executor, List.copyOf(versions));
    }

    /**
     * A ready model with a request counted in.
     *
     * @param versions the model's ready versions, the one admitted first
     */
    public record Admission(ServedModel model, Predictor predictor, BatchingExecutor executor, List<String> versions) {

        public ModelMetadata metadata() {
            return ModelMetadata.of(model.name(), versions, predictor.manifest(),
                    predictor.acceptance().isPresent());
        }

        public int maxBatch() {
            return executor.maxBatch();
        }

        /**
         * The outputs a request asked for, from its probabilities: built on the caller's thread (an event loop, a
         * gRPC answer thread), never on the model's batching thread, which would keep the next forward pass waiting.
         */
        public List<OutputTensor> outputs(InferenceRequest request, float[][] probabilities) {
            return OutputTensor.of(probabilities, request.outputs(), predictor.classNames(), predictor.acceptance());
        }

        /**
         * Refuses, before the forward pass, outputs this model cannot answer: {@code accepted} of a model without a
         * threshold that applies to what it answers, or with a {@code classification}.
         *
         * @throws ServingError INVALID_ARGUMENT, saying why
         */
        public void checkOutputs(RequestedOutputs requested) {
            Integer k = requested.classification().get(RequestedOutputs.ACCEPTED);
            if (k == null) {
                return;
            }
            if (k > 0) {
                throw ServingError.invalid("output 'accepted' is BOOL, one flag per image: 'classification' does "
                        + "not apply to it");
            }
            if (predictor.acceptance().isEmpty()) {
                throw ServingError.invalid(predictor.manifest().acceptance() == null
                        ? "model '" + model.name() + "' has no acceptance threshold, so no output 'accepted'; choose "
                                + "one with fmnist threshold RUN --precision P"
                        : "model '" + model.name() + "' has an acceptance threshold, but not for the probabilities "
                                + "this server answers (" + predictor.acceptanceWithheld().orElseThrow() + "), so no "
                                + "output 'accepted'");
            }
        }

        /** The request counted in has been answered. */
        public void leave() {
            executor.leave();
        }
    }

    /** Class probabilities of each image, or a timeout at the deadline. */
    public CompletableFuture<float[][]> probabilities(Admission admission, EncodedBatch images, long deadline) {
        return withDeadline(admission.executor().submit(images), deadline);
    }

    /** A map of each image's pixels for its class in {@code classes} ({@link Explainer}), or a timeout. */
    public CompletableFuture<float[][]> explanations(Admission admission, EncodedBatch images, Explainer explainer,
            int[] classes, long deadline) {
        return withDeadline(admission.executor().submitExplanation(images, explainer, classes), deadline);
    }

    /** The L2-normalized embedding of each image (for similar-item search), or a timeout at the deadline. */
    public CompletableFuture<float[][]> embeddings(Admission admission, EncodedBatch images, long deadline) {
        return withDeadline(admission.executor().submitEmbedding(images), deadline);
    }

    private static <T> CompletableFuture<T> withDeadline(CompletableFuture<T> result, long deadline) {
        return result.orTimeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** {@link ServingError#of} with this server's timeout. */
    public ServingError error(Throwable failure) {
        return ServingError.of(failure, timeoutMillis);
    }
}
