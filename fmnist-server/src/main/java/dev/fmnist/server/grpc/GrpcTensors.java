package dev.fmnist.server.grpc;

import com.google.protobuf.ByteString;
import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.server.grpc.protocol.InferParameter;
import dev.fmnist.server.grpc.protocol.InferTensorContents;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import dev.fmnist.server.grpc.protocol.ModelInferResponse;
import dev.fmnist.server.grpc.protocol.ModelMetadataResponse;
import dev.fmnist.server.inference.InferenceRequest;
import dev.fmnist.server.inference.InputTensors;
import dev.fmnist.server.inference.ModelMetadata;
import dev.fmnist.server.inference.OutputTensor;
import dev.fmnist.server.inference.RequestedOutputs;
import dev.fmnist.server.inference.ServingError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The protocol's gRPC form of requests, answers and metadata: one input, in typed {@code contents} or in
 * {@code raw_input_contents}, checked by the core ({@link InputTensors}) as the JSON form is. A request sent raw is
 * answered raw ({@code raw_output_contents}, as Triton's clients expect); a typed one, typed.
 */
final class GrpcTensors {

    private GrpcTensors() {}

    /** @throws ServingError INVALID_INPUT naming what is wrong */
    static InferenceRequest request(ModelInferRequest request, InputEncoder encoder, int maxBatch) {
        if (request.getInputsCount() != 1) {
            throw ServingError.invalid("the request must have exactly one input ('" + InputTensors.INPUT + "'), got "
                    + request.getInputsCount());
        }
        ModelInferRequest.InferInputTensor input = request.getInputs(0);
        String name = input.getName().isEmpty() ? "inputs[0]" : input.getName();
        String datatype = input.getDatatype();
        InputTensors.checkDatatype(name, datatype);
        long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
        int count = InputTensors.count(shape, name, encoder.shape(), maxBatch);
        int values = count * encoder.pixels();
        boolean raw = request.getRawInputContentsCount() > 0;
        EncodedBatch batch;
        if (raw) {
            if (request.getRawInputContentsCount() != 1 || input.hasContents()) {
                throw ServingError.invalid("input '" + name + "' must be in 'contents' or in one 'raw_input_contents', "
                        + "not both");
            }
            batch = InputTensors.fromRaw(name, datatype, request.getRawInputContents(0).toByteArray(), count, encoder,
                    "raw");
        } else if (datatype.equals("UINT8")) {
            InferTensorContents contents = input.getContents();
            InputTensors.checkValues(name, contents.getUintContentsCount(), values, " in uint_contents");
            double[] pixels = new double[values];
            for (int i = 0; i < values; i++) {
                pixels[i] = Integer.toUnsignedLong(contents.getUintContents(i));
            }
            batch = InputTensors.fromUint8(name, pixels, count, encoder);
        } else {
            InferTensorContents contents = input.getContents();
            InputTensors.checkValues(name, contents.getFp32ContentsCount(), values, " in fp32_contents");
            float[] unit = new float[values];
            for (int i = 0; i < values; i++) {
                unit[i] = contents.getFp32Contents(i);
            }
            batch = InputTensors.fromUnit(name, unit, count, encoder);
        }
        return new InferenceRequest(request.getId().isEmpty() ? null : request.getId(), batch, outputs(request, raw));
    }

    /** The outputs asked for, each with its classification top-k; {@code allBinary} here means "answer raw". */
    private static RequestedOutputs outputs(ModelInferRequest request, boolean raw) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            String name = output.getName();
            RequestedOutputs.checkName(name);
            int k = 0;
            InferParameter classification = output.getParametersMap().get("classification");
            if (classification != null) {
                double value = switch (classification.getParameterChoiceCase()) {
                    case INT64_PARAM -> classification.getInt64Param();
                    case UINT64_PARAM -> classification.getUint64Param();
                    default -> -1;
                };
                k = RequestedOutputs.classification(name, value);
            }
            wanted.put(name, k);
        }
        return new RequestedOutputs(wanted, Set.of(), raw);
    }

    static ModelInferResponse answer(String model, String version, InferenceRequest request,
            List<OutputTensor> outputs) {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setModelName(model)
                .setModelVersion(version);
        if (request.id() != null) {
            response.setId(request.id());
        }
        boolean raw = request.outputs().allBinary();
        for (OutputTensor output : outputs) {
            ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(output.name()).setDatatype(output.datatype());
            for (long dimension : output.shape()) {
                tensor.addShape(dimension);
            }
            if (raw) {
                response.addRawOutputContents(output.isFloat() ? littleEndian(output.floats())
                        : output.isBool() ? oneBytePerValue(output.booleans()) : lengthPrefixed(output.strings()));
            } else {
                InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                if (output.isFloat()) {
                    for (float value : output.floats()) {
                        contents.addFp32Contents(value);
                    }
                } else if (output.isBool()) {
                    for (boolean value : output.booleans()) {
                        contents.addBoolContents(value);
                    }
                } else {
                    output.strings().forEach(text -> contents.addBytesContents(ByteString.copyFromUtf8(text)));
                }
                tensor.setContents(contents);
            }
            response.addOutputs(tensor);
        }
        return response.build();
    }

    static ModelMetadataResponse metadata(ModelMetadata metadata) {
        ModelMetadataResponse.Builder response = ModelMetadataResponse.newBuilder().setName(metadata.name())
                .addAllVersions(metadata.versions()).setPlatform(metadata.platform());
        metadata.inputs().forEach(t -> response.addInputs(tensor(t)));
        metadata.outputs().forEach(t -> response.addOutputs(tensor(t)));
        return response.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(ModelMetadata.Tensor tensor) {
        return ModelMetadataResponse.TensorMetadata.newBuilder().setName(tensor.name()).setDatatype(tensor.datatype())
                .addAllShape(tensor.shape()).build();
    }

    private static ByteString littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return ByteString.copyFrom(bytes.array());
    }

    /** BOOL values in raw form: one byte each, 1 for true. */
    private static ByteString oneBytePerValue(boolean[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        return ByteString.copyFrom(bytes);
    }

    /** BYTES elements in raw form: each a 4-byte little-endian length, then its UTF-8 bytes. */
    private static ByteString lengthPrefixed(List<String> strings) {
        ByteString.Output out = ByteString.newOutput();
        for (String text : strings) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            byte[] length = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length)
                    .array();
            out.write(length, 0, length.length);
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteString();
    }
}
