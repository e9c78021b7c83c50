package dev.fmnist.server.inference;

import dev.fmnist.api.ImageShape;
import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.runtime.predict.EncodedBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The checks of the model's one input, FP32 pixels in [0,1] or UINT8 pixels 0-255 of shape [N,pixels] or
 * [N,channels,height,width], and its encoding for the model: the same rules and sentences whichever protocol
 * carried the values. Every failure is {@link ServingError.Kind#INVALID_INPUT}.
 */
public final class InputTensors {

    /** The input's name in the model's metadata. */
    public static final String INPUT = "input";

    private InputTensors() {}

    /** @throws ServingError unless the datatype is FP32 or UINT8 */
    public static void checkDatatype(String name, String datatype) {
        if (!datatype.equals("FP32") && !datatype.equals("UINT8")) {
            throw ServingError.invalid("input '" + name + "' has datatype '" + datatype + "'; this model takes FP32 "
                    + "(pixels in [0,1]) or UINT8 (pixels 0-255)");
        }
    }

    /**
     * The number of images of an input of this shape: {@code [N,pixels]} or {@code [N,channels,height,width]}, N from
     * 1 to {@code maxBatch}.
     */
    public static int count(long[] shape, String name, ImageShape image, int maxBatch) {
        boolean flat = shape.length == 2 && shape[1] == image.pixels();
        boolean picture = shape.length == 4 && shape[1] == image.channels() && shape[2] == image.height()
                && shape[3] == image.width();
        if (!flat && !picture) {
            throw ServingError.invalid("input '" + name + "' has shape " + Arrays.toString(shape) + "; expected [N,"
                    + image.pixels() + "] or [N," + image.channels() + "," + image.height() + "," + image.width() + "]");
        }
        if (shape[0] < 1) {
            throw ServingError.invalid("input '" + name + "' holds no image (N = 0)");
        }
        if (shape[0] > maxBatch) {
            throw ServingError.invalid("input '" + name + "' holds " + shape[0] + " images; at most " + maxBatch
                    + " per request");
        }
        return (int) shape[0];
    }

    /** @throws ServingError when a tensor holds another number of values than its shape needs */
    public static void checkValues(String name, long got, long expected, String where) {
        if (got != expected) {
            throw ServingError.invalid("input '" + name + "' holds " + got + " values" + where + " but its shape needs "
                    + expected);
        }
    }

    /** FP32 values, which must be finite and in [0, 1] (far outside it, a network's softmax overflows to NaN). */
    public static EncodedBatch fromUnit(String name, float[] values, int count, InputEncoder encoder) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw ServingError.invalid("input '" + name + "' holds a non-finite value at element " + i);
            }
            if (values[i] < 0 || values[i] > 1) {
                throw ServingError.invalid("input '" + name + "' holds " + values[i] + " at element " + i
                        + "; FP32 pixels are in [0, 1] (or send UINT8 pixels, 0 to 255)");
            }
        }
        float[] rows = new float[count * encoder.pixels()];
        for (int i = 0; i < count; i++) {
            encoder.encodeUnit(values, i * encoder.pixels(), rows, i);
        }
        return new EncodedBatch(rows, count);
    }

    /** UINT8 values as numbers (JSON's, gRPC's {@code uint_contents}), which must be whole numbers 0-255. */
    public static EncodedBatch fromUint8(String name, double[] values, int count, InputEncoder encoder) {
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!(v >= 0 && v <= 255 && v == Math.rint(v))) {
                throw ServingError.invalid("input '" + name + "' holds " + format(v) + " at element " + i
                        + "; UINT8 values are whole numbers 0-255");
            }
            pixels[i] = (byte) v;
        }
        return fromPixels(pixels, count, encoder);
    }

    /** Raw 8-bit pixels, normalized by the model's own encoder. */
    public static EncodedBatch fromPixels(byte[] pixels, int count, InputEncoder encoder) {
        float[] rows = new float[count * encoder.pixels()];
        for (int i = 0; i < count; i++) {
            encoder.encodeBytes(pixels, i * encoder.pixels(), rows, i);
        }
        return new EncodedBatch(rows, count);
    }

    /**
     * Raw tensor bytes, as the binary extension and gRPC's {@code raw_input_contents} carry them: one byte a pixel
     * (UINT8) or little-endian FP32 in [0,1].
     *
     * @param where how the caller names the bytes ("raw", "binary"), for the length's sentence
     */
    public static EncodedBatch fromRaw(String name, String datatype, byte[] bytes, int count, InputEncoder encoder,
            String where) {
        long expected = (long) count * encoder.pixels() * (datatype.equals("UINT8") ? 1 : Float.BYTES);
        if (bytes.length != expected) {
            throw ServingError.invalid("input '" + name + "' needs " + expected + " bytes of " + where + " " + datatype
                    + " for its shape, got " + bytes.length);
        }
        if (datatype.equals("UINT8")) {
            return fromPixels(bytes, count, encoder);
        }
        float[] values = new float[count * encoder.pixels()];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return fromUnit(name, values, count, encoder);
    }

    /** 3.0 as "3", 3.5 as "3.5", 4294967295.0 as "4294967295": a value as its sender wrote it. */
    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
