package dev.fmnist.server.grpc;

import com.google.protobuf.ByteString;
import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.grpc.protocol.InferParameter;
import dev.fmnist.server.grpc.protocol.InferTensorContents;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import dev.fmnist.server.grpc.protocol.ModelInferResponse;
import dev.fmnist.server.http.ApiError;
import dev.fmnist.server.infer.InferenceInput;
import dev.fmnist.server.infer.InferenceProtocol;
import dev.fmnist.server.infer.RequestedOutputs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gRPC form of an inference request and response, checked as strictly as the JSON form: one input, FP32
 * (pixels in [0,1]) or UINT8 (pixels 0-255), in typed {@code contents} or in {@code raw_input_contents}. A request
 * sent raw is answered raw ({@code raw_output_contents}, as Triton's clients expect); a typed one, typed.
 */
final class GrpcTensors {

    private GrpcTensors() {}

    /** @throws ApiError 400 naming what is wrong */
    static InferenceInput input(ModelInferRequest request, Predictor predictor, int maxBatch) {
        if (request.getInputsCount() != 1) {
            throw bad("the request must have exactly one input ('" + InferenceProtocol.INPUT + "'), got "
                    + request.getInputsCount());
        }
        ModelInferRequest.InferInputTensor input = request.getInputs(0);
        String name = input.getName().isEmpty() ? "inputs[0]" : input.getName();
        String datatype = input.getDatatype();
        if (!datatype.equals("FP32") && !datatype.equals("UINT8")) {
            throw bad("input '" + name + "' has datatype '" + datatype + "'; this model takes FP32 (pixels in [0,1]) "
                    + "or UINT8 (pixels 0-255)");
        }
        long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
        InputEncoder encoder = predictor.encoder();
        int pixels = encoder.pixels();
        int count = InferenceProtocol.checkShape(shape, name, encoder.shape(), maxBatch);
        int values = count * pixels;
        float[] rows = new float[values];
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw) {
            if (request.getRawInputContentsCount() != 1 || input.hasContents()) {
                throw bad("input '" + name + "' must be in 'contents' or in one 'raw_input_contents', not both");
            }
            rawInput(request.getRawInputContents(0), datatype, name, count, encoder, rows);
        } else if (datatype.equals("UINT8")) {
            InferTensorContents contents = input.getContents();
            checkCount(contents.getUintContentsCount(), values, name, "uint_contents");
            byte[] bytes = new byte[values];
            for (int i = 0; i < values; i++) {
                int v = contents.getUintContents(i);
                if (v < 0 || v > 255) {
                    throw bad("input '" + name + "' holds " + Integer.toUnsignedString(v) + " at element " + i
                            + "; UINT8 values are 0-255");
                }
                bytes[i] = (byte) v;
            }
            InferenceProtocol.encodeBytes(bytes, count, encoder, rows);
        } else {
            InferTensorContents contents = input.getContents();
            checkCount(contents.getFp32ContentsCount(), values, name, "fp32_contents");
            float[] floats = new float[values];
            for (int i = 0; i < values; i++) {
                floats[i] = contents.getFp32Contents(i);
            }
            InferenceProtocol.encodeUnit(floats, name, count, encoder, rows);
        }
        return new InferenceInput(request.getId().isEmpty() ? null : request.getId(), rows, count,
                outputs(request, raw));
    }

    private static void rawInput(ByteString raw, String datatype, String name, int count, InputEncoder encoder,
            float[] rows) {
        int values = count * encoder.pixels();
        long expected = (long) values * (datatype.equals("UINT8") ? 1 : Float.BYTES);
        if (raw.size() != expected) {
            throw bad("input '" + name + "' needs " + expected + " bytes of raw " + datatype + " for its shape, got "
                    + raw.size());
        }
        InferenceProtocol.encodeRaw(raw.toByteArray(), datatype, name, count, encoder, rows);
    }

    private static void checkCount(int got, int expected, String name, String field) {
        if (got != expected) {
            throw bad("input '" + name + "' holds " + got + " values in " + field + " but its shape needs " + expected);
        }
    }

    /** The outputs asked for, each with its classification top-k; {@code allBinary} here means "answer raw". */
    private static RequestedOutputs outputs(ModelInferRequest request, boolean raw) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            String name = output.getName();
            if (!name.equals(RequestedOutputs.PROBABILITIES) && !name.equals(RequestedOutputs.LABEL)) {
                throw bad("unknown output '" + name + "'; this model has 'probabilities' and 'label'");
            }
            int k = 0;
            InferParameter classification = output.getParametersMap().get("classification");
            if (classification != null) {
                long value = switch (classification.getParameterChoiceCase()) {
                    case INT64_PARAM -> classification.getInt64Param();
                    case UINT64_PARAM -> classification.getUint64Param();
                    default -> -1;
                };
                if (value < 1 || value > Integer.MAX_VALUE) {
                    throw bad("output '" + name + "': 'classification' must be a whole number >= 1");
                }
                k = (int) value;
            }
            wanted.put(name, k);
        }
        return new RequestedOutputs(wanted, Set.of(), raw);
    }

    static ModelInferResponse response(ServedModel model, InferenceInput input, float[][] probabilities,
            List<String> classNames) {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setModelName(model.name())
                .setModelVersion(model.version());
        if (input.id() != null) {
            response.setId(input.id());
        }
        boolean raw = input.outputs().allBinary();
        Map<String, Integer> wanted = input.outputs().all()
                ? Map.of(RequestedOutputs.PROBABILITIES, 0, RequestedOutputs.LABEL, 0)
                : input.outputs().classification();
        int images = probabilities.length;
        for (String name : List.of(RequestedOutputs.PROBABILITIES, RequestedOutputs.LABEL)) {
            if (!wanted.containsKey(name)) {
                continue;
            }
            int k = Math.min(wanted.get(name), classNames.size());
            ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(name);
            if (k == 0 && name.equals(RequestedOutputs.PROBABILITIES)) {
                tensor.setDatatype("FP32").addShape(images).addShape(classNames.size());
                if (raw) {
                    ByteBuffer bytes = ByteBuffer.allocate(images * classNames.size() * Float.BYTES)
                            .order(ByteOrder.LITTLE_ENDIAN);
                    for (float[] row : probabilities) {
                        for (float p : row) {
                            bytes.putFloat(p);
                        }
                    }
                    response.addRawOutputContents(ByteString.copyFrom(bytes.array()));
                } else {
                    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                    for (float[] row : probabilities) {
                        for (float p : row) {
                            contents.addFp32Contents(p);
                        }
                    }
                    tensor.setContents(contents);
                }
            } else {
                List<String> strings;
                if (k > 0) {
                    tensor.setDatatype("BYTES").addShape(images).addShape(k);
                    strings = new java.util.ArrayList<>();
                    for (float[] row : probabilities) {
                        strings.addAll(InferenceProtocol.topClasses(row, k, classNames));
                    }
                } else {
                    tensor.setDatatype("BYTES").addShape(images);
                    strings = InferenceProtocol.labels(probabilities, classNames);
                }
                if (raw) {
                    response.addRawOutputContents(lengthPrefixed(strings));
                } else {
                    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                    strings.forEach(text -> contents.addBytesContents(ByteString.copyFromUtf8(text)));
                    tensor.setContents(contents);
                }
            }
            response.addOutputs(tensor);
        }
        return response.build();
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

    private static ApiError bad(String message) {
        return new ApiError(400, message);
    }
}
