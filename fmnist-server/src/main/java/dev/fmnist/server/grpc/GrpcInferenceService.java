package dev.fmnist.server.grpc;

import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.batch.BatchingExecutor;
import dev.fmnist.server.batch.QueueFullException;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import dev.fmnist.server.grpc.protocol.ModelInferResponse;
import dev.fmnist.server.grpc.protocol.ModelMetadataRequest;
import dev.fmnist.server.grpc.protocol.ModelMetadataResponse;
import dev.fmnist.server.grpc.protocol.ModelReadyRequest;
import dev.fmnist.server.grpc.protocol.ModelReadyResponse;
import dev.fmnist.server.grpc.protocol.ServerLiveRequest;
import dev.fmnist.server.grpc.protocol.ServerLiveResponse;
import dev.fmnist.server.grpc.protocol.ServerMetadataRequest;
import dev.fmnist.server.grpc.protocol.ServerMetadataResponse;
import dev.fmnist.server.grpc.protocol.ServerReadyRequest;
import dev.fmnist.server.grpc.protocol.ServerReadyResponse;
import dev.fmnist.server.http.ApiError;
import dev.fmnist.server.infer.InferenceInput;
import dev.fmnist.server.infer.InferenceProtocol;
import dev.fmnist.server.infer.RequestedOutputs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol's six calls on the server's models. ModelInfer runs as the REST infer route does: checked and
 * converted on a gRPC thread, batched with every other request on the model's own thread, answered on a gRPC
 * thread; it is counted in with the model so that an unload lets it finish.
 */
final class GrpcInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(GrpcInferenceService.class);

    private final ModelRepository models;
    private final ServerConfig config;
    private final String platformVersion;
    private final Executor responses;

    GrpcInferenceService(ModelRepository models, ServerConfig config, String platformVersion, Executor responses) {
        this.models = models;
        this.config = config;
        this.platformVersion = platformVersion;
        this.responses = responses;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
        answer(observer, ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
        answer(observer, ServerReadyResponse.newBuilder().setReady(models.allReady()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
        try {
            ServedModel model = model(request.getName(), request.getVersion());
            answer(observer, ModelReadyResponse.newBuilder().setReady(model.isReady()).build());
        } catch (RuntimeException e) {
            observer.onError(status(e));
        }
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
        answer(observer, ServerMetadataResponse.newBuilder().setName("fmnist").setVersion(platformVersion)
                .addExtensions("classification").build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
        try {
            ServedModel model = ready(request.getName(), request.getVersion());
            ModelManifest manifest = model.predictor().orElseThrow().manifest();
            var image = manifest.imageShape();
            var input = ModelMetadataResponse.TensorMetadata.newBuilder().setName(InferenceProtocol.INPUT)
                    .setDatatype("FP32").addShape(-1);
            if (manifest.inputLayout() == dev.fmnist.api.InputLayout.FLAT) {
                input.addShape(image.pixels());
            } else {
                input.addShape(image.channels()).addShape(image.height()).addShape(image.width());
            }
            answer(observer, ModelMetadataResponse.newBuilder().setName(model.name()).addVersions(model.version())
                    .setPlatform("deeplearning4j_" + manifest.dl4jVersion())
                    .addInputs(input)
                    .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                            .setName(RequestedOutputs.PROBABILITIES).setDatatype("FP32").addShape(-1)
                            .addShape(manifest.classNames().size()))
                    .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName(RequestedOutputs.LABEL)
                            .setDatatype("BYTES").addShape(-1))
                    .build());
        } catch (RuntimeException e) {
            observer.onError(status(e));
        }
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
        ServedModel model;
        BatchingExecutor executor;
        try {
            model = ready(request.getModelName(), request.getModelVersion());
            executor = model.executor().orElseThrow();
        } catch (RuntimeException e) {
            observer.onError(status(e));
            return;
        }
        if (!executor.enter()) {
            observer.onError(Status.UNAVAILABLE.withDescription("model '" + model.name() + "' version "
                    + model.version() + " is being unloaded").asRuntimeException());
            return;
        }
        try {
            Predictor predictor = model.predictor().orElseThrow();
            InferenceInput input = GrpcTensors.input(request, predictor, executor.maxBatch());
            executor.submit(input.rows(), input.count())
                    .orTimeout(config.timeoutMillis(), TimeUnit.MILLISECONDS)
                    .whenCompleteAsync((probabilities, failure) -> {
                        try {
                            if (failure != null) {
                                observer.onError(status(failure));
                            } else {
                                answer(observer, GrpcTensors.response(model, input, probabilities,
                                        predictor.manifest().classNames()));
                            }
                        } catch (RuntimeException e) {
                            // thrown here, it would vanish into the future and leave the client waiting forever
                            log.error("gRPC inference of model '{}' failed while answering", model.name(), e);
                            observer.onError(Status.INTERNAL.withDescription("internal error; the server log has "
                                    + "the details").asRuntimeException());
                        } finally {
                            executor.leave();
                        }
                    }, responses);
        } catch (RuntimeException e) {
            executor.leave();
            observer.onError(status(e));
        }
    }

    private ServedModel model(String name, String version) {
        ServedModel model = models.get(name).orElseThrow(() -> Status.NOT_FOUND.withDescription("unknown model '"
                + name + "'; served: " + String.join(", ", models.all().stream().map(ServedModel::name).toList()))
                .asRuntimeException());
        if (!version.isEmpty() && !version.equals(model.version())) {
            throw Status.NOT_FOUND.withDescription("model '" + name + "' has no version '" + version + "'; it has '"
                    + model.version() + "'").asRuntimeException();
        }
        return model;
    }

    private ServedModel ready(String name, String version) {
        ServedModel model = model(name, version);
        if (!model.isReady()) {
            throw Status.UNAVAILABLE.withDescription("model '" + name + "' is not ready: " + model.reason())
                    .asRuntimeException();
        }
        return model;
    }

    private static <T> void answer(StreamObserver<T> observer, T response) {
        observer.onNext(response);
        observer.onCompleted();
    }

    /** The gRPC status of a failure, with the same sentences the REST routes answer. */
    private StatusRuntimeException status(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        if (cause instanceof ApiError error) {
            Status status = switch (error.status()) {
                case 400 -> Status.INVALID_ARGUMENT;
                case 404 -> Status.NOT_FOUND;
                case 413 -> Status.RESOURCE_EXHAUSTED;
                case 503 -> Status.UNAVAILABLE;
                default -> Status.UNKNOWN;
            };
            return status.withDescription(error.getMessage()).asRuntimeException();
        }
        if (cause instanceof QueueFullException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage()).asRuntimeException();
        }
        if (cause instanceof TimeoutException) {
            return Status.DEADLINE_EXCEEDED.withDescription("the model did not answer within "
                    + config.timeoutMillis() + " ms; try again shortly").asRuntimeException();
        }
        log.error("gRPC call failed", cause);
        return Status.INTERNAL.withDescription("internal error; the server log has the details").asRuntimeException();
    }
}
