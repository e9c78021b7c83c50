package dev.fmnist.server.inference;

import dev.fmnist.runtime.explain.Explainer;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ModelVersions;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.batch.BatchTiming;
import dev.fmnist.server.batch.BatchingExecutor;
import dev.fmnist.server.payload.PayloadLog;
import dev.fmnist.server.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.time.Instant;
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

    /**
     * Who asked, for the payload log and the request's trace.
     *
     * @param protocol    {@code rest} or {@code grpc}
     * @param id          the client's request id; null or empty for one the server makes
     * @param arrivedNanos when the request arrived, in {@link System#nanoTime()}
     * @param trace        the request's span, the parent of its stages' spans (the root context when not traced)
     */
    public record Caller(String protocol, String id, long arrivedNanos, Context trace) {}

    private static final AttributeKey<String> MODEL = AttributeKey.stringKey("fmnist.model");
    private static final AttributeKey<String> VERSION = AttributeKey.stringKey("fmnist.model.version");
    private static final AttributeKey<Long> BATCH_IMAGES = AttributeKey.longKey("fmnist.batch.images");
    private static final AttributeKey<Long> BATCH_REQUESTS = AttributeKey.longKey("fmnist.batch.requests");

    private final ModelRepository models;
    private final long timeoutMillis;
    private final PayloadLog payloads;
    private final Tracing tracing;

    /**
     * @param timeoutMillis how long a request may take from its arrival ({@code server.timeout-ms})
     * @param payloads      where a sample of the answered requests is logged
     * @param tracing       the spans of a request's stages
     */
    public Inference(ModelRepository models, long timeoutMillis, PayloadLog payloads, Tracing tracing) {
        this.models = models;
        this.timeoutMillis = timeoutMillis;
        this.payloads = payloads;
        this.tracing = tracing;
    }

    public Tracing tracing() {
        return tracing;
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

    /** @throws ServingError UNAVAILABLE when the model is not loaded */
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
        boolean named = version != null && !version.isEmpty();
        // a request that named no version and reached one being retired asks again: the repository already
        // routes around it, so a deploy or an unload costs that request nothing
        for (int attempt = 1; ; attempt++) {
            ServedModel model = ready(model(name, version, routeKey));
            BatchingExecutor executor = model.executor().orElseThrow();
            if (executor.enter()) {
                return admitted(model, executor);
            }
            if (named || attempt == 3) {
                throw ServingError.unavailable("model '" + model.name() + "' version " + model.version()
                        + " is being unloaded", 1);
            }
        }
    }

    private Admission admitted(ServedModel model, BatchingExecutor executor) {
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

    /**
     * Class probabilities of each image, or a timeout at the deadline; a sample of the answers goes to the payload
     * log, off the request's path.
     */
    public CompletableFuture<float[][]> probabilities(Admission admission, EncodedBatch images, long deadline,
            Caller caller) {
        BatchTiming timing = tracing.enabled() ? new BatchTiming() : null;
        CompletableFuture<float[][]> answer = withDeadline(timing == null ? admission.executor().submit(images)
                : admission.executor().submit(images, timing), deadline);
        if (timing != null) {
            ServedModel model = admission.model();
            // off the model's thread, which completes the answer and goes on to the next batch
            answer.thenRunAsync(() -> {
                long epoch = Tracing.epochOffset();
                tracing.stage("queued", caller.trace(), timing.queuedNanos(), timing.startedNanos(),
                        Attributes.of(MODEL, model.name(), VERSION, model.version()), epoch);
                tracing.stage("forward pass", caller.trace(), timing.startedNanos(), timing.endedNanos(),
                        Attributes.of(MODEL, model.name(), VERSION, model.version(), BATCH_IMAGES,
                                (long) timing.images(), BATCH_REQUESTS, (long) timing.requests()), epoch);
            });
        }
        if (payloads.sampled()) {
            ServedModel model = admission.model();
            // cheap on the model's thread: the entry is handed to the log's own writer, which hashes and writes it
            answer.thenAccept(probabilities -> payloads.add(new PayloadLog.Entry(Instant.now(), caller.id(),
                    caller.protocol(), model.name(), model.version(), images, probabilities,
                    admission.predictor().classNames(), System.nanoTime() - caller.arrivedNanos())));
        }
        return answer;
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
