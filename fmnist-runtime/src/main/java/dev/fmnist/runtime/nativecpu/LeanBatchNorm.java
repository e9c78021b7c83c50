package dev.fmnist.runtime.nativecpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization's training passes as a few plain loops. DL4J 1.0.0-M2.1's oneDNN helper finds a batch's
 * variance with ND4J's summary-statistics reduction (strided, merging element by element), normalizes with oneDNN's
 * reference NCHW kernel, and its backward pass is libnd4j's {@code batchnorm_bp}: oneDNN's backward with the
 * statistics taken as fixed, then about ten more passes over the activations to correct the input gradient; a third
 * of a ResNet-20's training step in all. For float NCHW activations (and rank-2 ones, which DL4J hands over as
 * [N, C, 1, 1]) this helper copies them to the heap once, makes two passes for the statistics (the mean, then the
 * squared deviations from it, so nothing cancels) and one to normalize; backward, one pass for the
 * sums of dy and dy * (x - mean) and one for {@code dx = a * dy + b * (x - mean) + c} per channel. The maths is
 * DL4J's; inference, and anything else, goes to oneDNN's helper.
 */
public final class LeanBatchNorm {

    private LeanBatchNorm() {}

    /**
     * Gives every batch normalization of {@code model} (a layer stack or a graph, frozen layers included) that has
     * oneDNN's helper this one; returns what puts oneDNN's back, to be run on the thread that trained.
     */
    public static Runnable install(Model model) {
        List<Runnable> restores = new ArrayList<>();
        try {
            for (Layer wrapped : LayerHelpers.layersOf(model)) {
                Layer layer = wrapped;
                while (layer instanceof BaseWrapperLayer wrapper) {
                    layer = wrapper.getUnderlying();
                }
                if (layer instanceof BatchNormalization && layer.getHelper() instanceof MKLDNNBatchNormHelper oneDnn) {
                    Layer target = layer;
                    HelperFallback.setHelper(target, new Helper(oneDnn));
                    restores.add(() -> HelperFallback.setHelper(target, oneDnn));
                }
            }
        } catch (RuntimeException | Error e) {
            restores.forEach(Runnable::run);  // all or none
            throw e;
        }
        return () -> {
            restores.forEach(Runnable::run);
            Scratch.release();
        };
    }

    /** One layer's helper: keeps the batch's statistics from its forward pass for its backward pass, as oneDNN's. */
    public static final class Helper implements BatchNormalizationHelper {

        private final MKLDNNBatchNormHelper oneDnn;
        /** The batch's mean and (biased) variance as DL4J reads them to update the running statistics. */
        private INDArray meanCache;
        private INDArray varCache;
        private double[] mean;
        private double[] variance;
        /** Whether the last forward pass was a training pass made here: the backward pass needs its statistics. */
        private boolean trainedHere;
        /**
         * Passes completed here, so a test can tell them from DL4J's fallback: when a helper throws, DL4J logs a
         * warning and takes its own path from then on.
         */
        private long forwards;
        private long backwards;

        Helper(MKLDNNBatchNormHelper oneDnn) {
            this.oneDnn = oneDnn;
        }

        /** Training forward passes made here. */
        public long forwards() {
            return forwards;
        }

        /** Backward passes made here. */
        public long backwards() {
            return backwards;
        }

        @Override
        public boolean checkSupported(double eps, boolean fixedGammaBeta) {
            return oneDnn.checkSupported(eps, fixedGammaBeta);
        }

        @Override
        public boolean checkSupported() {
            return oneDnn.checkSupported();
        }

        @Override
        public Map<String, Long> helperMemoryUse() {
            return oneDnn.helperMemoryUse();
        }

        @Override
        public INDArray getMeanCache(DataType dataType) {
            return trainedHere ? meanCache : oneDnn.getMeanCache(dataType);
        }

        @Override
        public INDArray getVarCache(DataType dataType) {
            return trainedHere ? varCache : oneDnn.getVarCache(dataType);
        }

        /**
         * Training: normalized with the batch's statistics. Inference (validation between epochs, frozen layers) is
         * oneDNN's: there the batch statistics and the backward pass, this helper's gains, do not arise, and its
         * batches are larger than a training's (a heap copy of them would stay with the thread).
         */
        @Override
        public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                INDArray globalMean, INDArray globalVar, double decay, double eps, CNN2DFormat format,
                LayerWorkspaceMgr workspaceMgr) {
            trainedHere = training && handles(x, format);
            if (!trainedHere) {
                return oneDnn.preOutput(x, training, shape, gamma, beta, globalMean, globalVar, decay, eps, format,
                        workspaceMgr);
            }
            Rows rows = new Rows(x);
            float[] values = Scratch.get().first(rows.length);
            rows.read(x, values);
            mean = new double[rows.channels];
            variance = new double[rows.channels];
            for (int row = 0; row < rows.count; row++) {
                mean[row % rows.channels] += sum(values, row * rows.width, rows.width);
            }
            for (int c = 0; c < rows.channels; c++) {
                mean[c] /= rows.perChannel;
            }
            for (int row = 0; row < rows.count; row++) {
                int c = row % rows.channels;
                variance[c] += squaredDeviations(values, row * rows.width, rows.width, (float) mean[c]);
            }
            for (int c = 0; c < rows.channels; c++) {
                variance[c] /= rows.perChannel;
            }
            ensureCaches(rows.channels);
            meanCache.assign(Nd4j.createFromArray(floats(mean)));
            varCache.assign(Nd4j.createFromArray(floats(variance)));
            INDArray out = output(rows, values, gamma, beta, eps, workspaceMgr);
            forwards++;
            return out;
        }

        /** (x - mean) / sqrt(variance + eps) * gamma + beta per channel with the batch's statistics, in a new array. */
        private INDArray output(Rows rows, float[] values, INDArray gamma, INDArray beta, double eps,
                LayerWorkspaceMgr workspaceMgr) {
            double[] g = doubles(gamma, rows.channels, 1);
            double[] b = doubles(beta, rows.channels, 0);
            for (int row = 0; row < rows.count; row++) {
                int c = row % rows.channels;
                normalize(values, row * rows.width, rows.width, (float) mean[c],
                        (float) (g[c] / Math.sqrt(variance[c] + eps)), (float) b[c]);
            }
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    rows.shape);
            rows.write(values, out);
            return out;
        }

        /**
         * With xhat = (x - mean) * s, s = 1 / sqrt(var + eps): dbeta = sum(dy), dgamma = sum(dy * xhat), and
         * dx = gamma * s * (dy - dbeta / m - xhat * dgamma / m), which is a * dy + b * (x - mean) + c per channel.
         */
        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape,
                INDArray gamma, INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format,
                LayerWorkspaceMgr workspaceMgr) {
            if (!trainedHere) {
                // the forward pass was oneDNN's (not float NCHW): so is the backward, with its statistics
                return oneDnn.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format,
                        workspaceMgr);
            }
            Rows rows = new Rows(input);
            Scratch scratch = Scratch.get();
            float[] x = scratch.first(rows.length);
            float[] dy = scratch.second(rows.length);
            rows.read(input, x);
            rows.read(epsilon.dataType() == DataType.FLOAT ? epsilon : epsilon.castTo(DataType.FLOAT), dy);
            double[] sumDy = new double[rows.channels];
            double[] dGamma = new double[rows.channels];
            float[] pair = new float[2];
            for (int row = 0; row < rows.count; row++) {
                int c = row % rows.channels;
                sums(x, dy, row * rows.width, rows.width, (float) mean[c], pair);
                sumDy[c] += pair[0];
                dGamma[c] += pair[1];
            }
            double[] g = doubles(gamma, rows.channels, 1);
            float[] a = new float[rows.channels];
            float[] b = new float[rows.channels];
            float[] shift = new float[rows.channels];
            for (int c = 0; c < rows.channels; c++) {
                double s = 1 / Math.sqrt(variance[c] + eps);
                dGamma[c] *= s;
                a[c] = (float) (g[c] * s);
                b[c] = (float) (-g[c] * s * s * dGamma[c] / rows.perChannel);
                shift[c] = (float) (-g[c] * s * sumDy[c] / rows.perChannel);
            }
            for (int row = 0; row < rows.count; row++) {
                int c = row % rows.channels;
                inputGradient(x, dy, row * rows.width, rows.width, (float) mean[c], a[c], b[c], shift[c]);
            }
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape());
            rows.write(dy, dx);
            dGammaView.assign(Nd4j.createFromArray(floats(dGamma)).reshape(dGammaView.shape()));
            dBetaView.assign(Nd4j.createFromArray(floats(sumDy)).reshape(dBetaView.shape()));
            Gradient gradient = new DefaultGradient();
            gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
            gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
            backwards++;
            return new Pair<>(gradient, dx);
        }

        private static boolean handles(INDArray x, CNN2DFormat format) {
            return x.rank() == 4 && format == CNN2DFormat.NCHW && x.dataType() == DataType.FLOAT
                    && x.length() <= Integer.MAX_VALUE;
        }

        private void ensureCaches(int channels) {
            if (meanCache == null || meanCache.length() != channels) {
                // outside any workspace: DL4J reads them in the backward pass, after the forward's scope closed
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    meanCache = Nd4j.createUninitialized(DataType.FLOAT, channels);
                    varCache = Nd4j.createUninitialized(DataType.FLOAT, channels);
                }
            }
        }

        /** A parameter vector (gamma or beta) as doubles; {@code fill} where the layer has none. */
        private static double[] doubles(INDArray parameter, int channels, double fill) {
            if (parameter == null) {
                double[] filled = new double[channels];
                Arrays.fill(filled, fill);
                return filled;
            }
            return parameter.reshape(parameter.length()).toDoubleVector();
        }

        private static float[] floats(double[] values) {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            return floats;
        }
    }

    /** NCHW activations as rows of H*W values, one per image and channel: row r is channel r % C. */
    private static final class Rows {
        final int channels;
        final int width;
        final int count;
        final int length;
        final double perChannel;
        final long[] shape;

        Rows(INDArray nchw) {
            shape = nchw.shape();
            channels = (int) nchw.size(1);
            width = (int) (nchw.size(2) * nchw.size(3));
            count = (int) (nchw.size(0) * channels);
            length = (int) nchw.length();
            perChannel = (double) nchw.size(0) * width;
        }

        /**
         * Copies {@code from} (in NCHW order, whatever its strides) into the heap array. The address of a view's
         * buffer is already its first element's, offset included; a view with an offset is still copied into an
         * array of its own first, a cheap precaution against a buffer that does not say so.
         */
        void read(INDArray from, float[] to) {
            INDArray own = Shape.hasDefaultStridesForShape(from) && from.ordering() == 'c' && from.offset() == 0
                    ? from : from.dup('c');
            new FloatPointer(own.data().addressPointer()).get(to, 0, length);
        }

        /** Copies the heap array into {@code to}, a fresh NCHW array. */
        void write(float[] from, INDArray to) {
            new FloatPointer(to.data().addressPointer()).put(from, 0, length);
        }
    }

    /** Heap copies of a layer's activations, reused by every layer a thread trains: one pass at a time per thread. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(Scratch::new);
        private float[] first = new float[0];
        private float[] second = new float[0];

        static Scratch get() {
            return OF_THREAD.get();
        }

        /** Frees the calling thread's copies (a training's own thread lives on after it). */
        static void release() {
            OF_THREAD.remove();
        }

        float[] first(int length) {
            if (first.length < length) {
                first = new float[length];
            }
            return first;
        }

        float[] second(int length) {
            if (second.length < length) {
                second = new float[length];
            }
            return second;
        }
    }

    // The loops keep independent running sums, whose additions the CPU overlaps (Java keeps each float sum in order,
    // so the JIT does not vectorize them); a row's total joins its channel's double, so a channel's sum over a
    // batch carries no more than one row's float rounding.

    static double sum(float[] values, int from, int width) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = from;
        int end = from + width;
        for (; i + 3 < end; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < end; i++) {
            s0 += values[i];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    static double squaredDeviations(float[] values, int from, int width, float mean) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = from;
        int end = from + width;
        for (; i + 3 < end; i += 4) {
            float d0 = values[i] - mean;
            float d1 = values[i + 1] - mean;
            float d2 = values[i + 2] - mean;
            float d3 = values[i + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < end; i++) {
            float d = values[i] - mean;
            s0 += d * d;
        }
        return (double) s0 + s1 + s2 + s3;
    }

    /** About the mean first, as oneDNN does: x * scale + (beta - mean * scale) would cancel where x is near the mean. */
    static void normalize(float[] values, int from, int width, float mean, float scale, float beta) {
        for (int i = from, end = from + width; i < end; i++) {
            values[i] = (values[i] - mean) * scale + beta;
        }
    }

    /** pair[0] = sum(dy), pair[1] = sum(dy * (x - mean)), over one row. */
    static void sums(float[] x, float[] dy, int from, int width, float mean, float[] pair) {
        float d0 = 0;
        float d1 = 0;
        float p0 = 0;
        float p1 = 0;
        int i = from;
        int end = from + width;
        for (; i + 1 < end; i += 2) {
            d0 += dy[i];
            d1 += dy[i + 1];
            p0 += dy[i] * (x[i] - mean);
            p1 += dy[i + 1] * (x[i + 1] - mean);
        }
        for (; i < end; i++) {
            d0 += dy[i];
            p0 += dy[i] * (x[i] - mean);
        }
        pair[0] = d0 + d1;
        pair[1] = p0 + p1;
    }

    /** dy becomes a * dy + b * (x - mean) + shift, the input gradient, in place. */
    static void inputGradient(float[] x, float[] dy, int from, int width, float mean, float a, float b, float shift) {
        for (int i = from, end = from + width; i < end; i++) {
            dy[i] = a * dy[i] + b * (x[i] - mean) + shift;
        }
    }
}
