package dev.fmnist.runtime.nativecpu;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.api.ops.impl.summarystats.Variance;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN batch-normalization helper with the batch's variance computed from the sum of squares. DL4J's own
 * helper runs libnd4j's {@code Variance} op, a summary-statistics reduction that is 11% of a deep-cnn training
 * batch on one core (JFR and perf, docs/BENCHMARKS.md); a {@code Norm2} reduction, the same kind of pass as the
 * mean's, gives the variance as E[x^2] - E[x]^2 in a fraction of that. The normalization itself, its backward pass
 * and the running statistics stay DL4J's: this helper hands them the same two arrays its parent would have made.
 *
 * <p>That difference loses digits when the mean is large against the spread (the float sum of squares' rounding,
 * times 1 + mean^2 / variance); a channel whose variance is under a fifth of its squared mean sends the batch
 * through {@code Variance} as before, which keeps the two within 1e-4 of each other at a full batch
 * ({@code BatchStatisticsHelperTest}). In the deep-cnn that is about a fifth of the batch normalizations, in the
 * resnet none.
 */
public final class BatchStatisticsHelper extends MKLDNNBatchNormHelper {

    /** Below this share of the squared mean, the variance is left to DL4J's reduction. */
    static final double CANCELLATION_LIMIT = 0.2;

    private static final Field MEAN_CACHE = parentField("meanCache");
    private static final Field VAR_CACHE = parentField("varCache");

    private INDArray mean;
    private INDArray variance;
    private INDArray norm;
    private long exactBatches;

    public BatchStatisticsHelper(DataType dataType) {
        super(dataType);
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
            INDArray globalMean, INDArray globalVariance, double decay, double eps, CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        if (!training || x.dataType() != DataType.FLOAT || (x.rank() != 2 && x.rank() != 4)) {
            return super.preOutput(x, training, shape, gamma, beta, globalMean, globalVariance, decay, eps, format,
                    workspaceMgr);
        }
        boolean channelsLast = x.rank() == 4 && format == CNN2DFormat.NHWC;
        int[] dimensions = x.rank() == 2 ? new int[] {0} : channelsLast ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
        long channels = x.size(x.rank() == 2 ? 1 : channelsLast ? 3 : 1);
        batchStatistics(x, dimensions, channels);
        // the parent's backward pass and the layer's running statistics read these two
        set(MEAN_CACHE, mean);
        set(VAR_CACHE, variance);
        // given statistics: the parent normalizes with ours instead of computing its own
        return super.preOutput(x, false, shape, gamma, beta, mean, variance, decay, eps, format, workspaceMgr);
    }

    /** Batches whose variance went through DL4J's exact reduction because of a large mean (for tests). */
    long exactBatches() {
        return exactBatches;
    }

    private void batchStatistics(INDArray x, int[] dimensions, long channels) {
        if (mean == null || mean.length() != channels) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(DataType.FLOAT, channels);
                variance = Nd4j.createUninitialized(DataType.FLOAT, channels);
                norm = Nd4j.createUninitialized(DataType.FLOAT, channels);
            }
        }
        x.mean(mean, dimensions);
        Nd4j.exec(new Norm2(x, norm, dimensions));
        double count = (double) x.length() / channels;
        float[] means = mean.toFloatVector();
        float[] norms = norm.toFloatVector();
        float[] variances = new float[means.length];
        for (int c = 0; c < means.length; c++) {
            double squaredMean = (double) means[c] * means[c];
            double value = (double) norms[c] * norms[c] / count - squaredMean;
            if (value < CANCELLATION_LIMIT * squaredMean) {
                exactBatches++;
                Nd4j.exec(new Variance(x, variance, false, dimensions));
                return;
            }
            variances[c] = (float) value;
        }
        for (int c = 0; c < variances.length; c++) {
            variance.putScalar(c, variances[c]);
        }
    }

    private void set(Field field, INDArray value) {
        try {
            field.set(this, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot hand DL4J's batch-normalization helper its statistics", e);
        }
    }

    private static Field parentField(String name) {
        try {
            Field field = MKLDNNBatchNormHelper.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DL4J's MKLDNNBatchNormHelper has no field " + name
                    + ": this class is written for DL4J 1.0.0-M2.1");
        }
    }
}
