package dev.fmnist.runtime.nativecpu;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense layers that answer a single image with a matrix-vector product. DL4J multiplies a dense layer's input by its
 * weights as a matrix product at every batch size, and the OpenBLAS of ND4J M2.1 (0.3.19) packs the whole weight
 * matrix for each one: for one image that copy costs more than the product (the cnn's 5,408 x 128 weights, 2.8 MB,
 * `docs/BENCHMARKS.md`). Batches of two or more, training and backprop keep DL4J's path.
 *
 * <p>For networks that only answer ({@code Predictor.load}): the layers are swapped in the network's own array, and
 * what is saved (configuration and parameters) does not change. Graphs (ensembles included) and frozen dense layers
 * keep DL4J's path, and the network's lookup by layer name still finds the original layer.
 */
public final class SingleImageDense {

    private SingleImageDense() {}

    /** Swaps each of DL4J's dense layers of a layer stack for one that answers one image as above; how many. */
    public static int install(Model model) {
        if (!(model instanceof MultiLayerNetwork network)) {
            return 0;
        }
        Layer[] layers = network.getLayers();
        int swapped = 0;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].getClass() == DenseLayer.class) {
                layers[i] = new MatrixVector((DenseLayer) layers[i]);
                swapped++;
            }
        }
        return swapped;
    }

    /** DL4J's dense layer, with the same configuration and the same parameter arrays, but for the product above. */
    static final class MatrixVector extends DenseLayer {

        /** Single images answered as the product above (read by tests; not counted atomically). */
        long products;

        MatrixVector(DenseLayer original) {
            super(original.conf(), original.params().dataType());
            setParamTable(original.paramTable());
            setParamsViewArray(original.params());
            if (original.getGradientsViewArray() != null) {
                setBackpropGradientsViewArray(original.getGradientsViewArray());
            }
            setIndex(original.getIndex());
            setCacheMode(original.conf().getCacheMode());
            setListeners(original.getListeners());
            setIterationCount(original.getIterationCount());
            setEpochCount(original.getEpochCount());
            allowInputModification(original.isInputModificationAllowed());
        }

        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                LayerWorkspaceMgr workspaceMgr) {
            INDArray weights = getParam(DefaultParamInitializer.WEIGHT_KEY); // [nIn, nOut]
            if (training || forBackprop || input == null || input.rank() != 2 || input.size(0) != 1
                    || input.size(1) != weights.size(0) || hasLayerNorm() || maskArray != null
                    || layerConf().getWeightNoise() != null) {
                return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
            }
            applyDropOutIfNecessary(false, workspaceMgr);
            INDArray row = input.castTo(dataType).reshape(input.length());
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, weights.dataType(), 1,
                    weights.size(1));
            // out = weights' x row, which ND4J runs as sgemv for a rank-1 right-hand side
            Nd4j.exec(new Mmul(weights.transpose(), row, out.reshape('c', true, weights.size(1)), 1.0, 0.0,
                    MMulTranspose.allFalse()));
            if (hasBias()) {
                out.addi(getParam(DefaultParamInitializer.BIAS_KEY));
            }
            products++;
            return new Pair<>(out, out);
        }
    }
}
