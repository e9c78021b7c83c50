package dev.fmnist.server;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.server.grpc.protocol.InferTensorContents;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;

/** gRPC inference requests the tests send: one real test image as UINT8 pixels. */
final class GrpcRequests {

    private GrpcRequests() {}

    /** Image {@code index} of {@code images} for {@code model}; {@code version} "" for the bare name. */
    static ModelInferRequest.Builder oneImage(LabelledImages images, int index, String model, String version) {
        InferTensorContents.Builder pixels = InferTensorContents.newBuilder();
        for (int p = 0; p < 784; p++) {
            pixels.addUintContents(images.pixel(index, p));
        }
        return ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("UINT8")
                        .addShape(1).addShape(784).setContents(pixels));
    }
}
