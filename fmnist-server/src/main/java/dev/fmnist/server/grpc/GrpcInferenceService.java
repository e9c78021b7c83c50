package dev.fmnist.server.grpc;

import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ServedModel;
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
import dev.fmnist.server.inference.Inference;
import dev.fmnist.server.inference.InferenceRequest;
import dev.fmnist.server.inference.ServingError;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol's six calls on the server's models, through the serving core as the REST routes go: a request is
 * checked and encoded on a gRPC thread, batched with every other request on the model's own thread, answered on
 * a gRPC thread; it is counted in with the model so that an unload lets it finish.
 */
final class GrpcInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(GrpcInferenceService.class);

    private final ModelRepository models;
    private final Inference inference;
    private final String platformVersion;
    private final Executor responses;

    GrpcInferenceService(ModelRepository models, Inference inference, String platformVersion, Executor responses) {
        this.models = models;
        this.inference = inference;
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
            ServedModel model = inference.model(request.getName(), request.getVersion(), RouteKeys.current());
            answer(observer, ModelReadyResponse.newBuilder().setReady(model.isReady()).build());
        } catch (RuntimeException e) {
            fail(observer, e);
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
            Inference.Admission admission = inference.admit(request.getName(), request.getVersion(),
                    RouteKeys.current());
            try {
                answer(observer, GrpcTensors.metadata(admission.metadata()));
            } finally {
                admission.leave();
            }
        } catch (RuntimeException e) {
            fail(observer, e);
        }
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
        long arrived = System.nanoTime();
        // the client's own deadline, when sooner than the server's timeout
        Deadline callDeadline = Context.current().getDeadline();
        long deadline = callDeadline == null ? inference.deadline()
                : inference.deadline(callDeadline.timeRemaining(TimeUnit.MILLISECONDS));
        Inference.Admission admission;
        try {
            admission = inference.admit(request.getModelName(), request.getModelVersion(), RouteKeys.current());
        } catch (RuntimeException e) {
            fail(observer, e);
            return;
        }
        io.opentelemetry.context.Context trace = TracingInterceptor.current();
        try {
            Span decoding = inference.tracing().stage("decode", trace);
            InferenceRequest input;
            try {
                input = GrpcTensors.request(request, admission.predictor().encoder(), admission.maxBatch());
            } catch (RuntimeException e) {
                decoding.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                decoding.end();
            }
            admission.checkOutputs(input.outputs());
            ServedModel model = admission.model();
            inference.probabilities(admission, input.input(), deadline,
                    new Inference.Caller("grpc", request.getId(), arrived, trace)).whenCompleteAsync((probabilities,
                            failure) -> {
                try {
                    if (failure != null) {
                        fail(observer, failure);
                    } else {
                        Span encoding = inference.tracing().stage("encode", trace);
                        ModelInferResponse response;
                        try {
                            response = GrpcTensors.answer(model.name(), model.version(), input,
                                    admission.outputs(input, probabilities));
                        } finally {
                            encoding.end();
                        }
                        answer(observer, response);
                    }
                } catch (RuntimeException e) {
                    // thrown here, it would vanish into the future and leave the client waiting forever
                    fail(observer, e);
                } finally {
                    admission.leave();
                }
            }, responses);
        } catch (RuntimeException e) {
            admission.leave();
            fail(observer, e);
        }
    }

    private static <T> void answer(StreamObserver<T> observer, T response) {
        observer.onNext(response);
        observer.onCompleted();
    }

    /** The failure as its gRPC status, with the sentence the REST routes answer; a fault of the server's logged. */
    private void fail(StreamObserver<?> observer, Throwable failure) {
        ServingError error = inference.error(failure);
        if (error.kind() == ServingError.Kind.INTERNAL) {
            log.error("gRPC call failed", error.getCause());
        }
        observer.onError(GrpcStatuses.of(error));
    }
}
