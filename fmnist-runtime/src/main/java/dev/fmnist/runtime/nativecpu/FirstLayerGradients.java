package dev.fmnist.runtime.nativecpu;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spares a training the input gradient of its first convolution. DL4J computes every layer's input gradient, the
 * first layer's too (oneDNN's backward-data convolution, as costly as the layer's forward pass), and then throws that
 * one away in {@code fit}: nothing lies below the input. While a training runs, the first layer of a layer stack gets
 * a helper that keeps oneDNN's forward pass and computes only the weight and bias gradients (im2col and one batched
 * matrix product). {@code MultiLayerNetwork.calculateGradients} (saliency maps) needs the input gradient, so the
 * helper is put back when the training ends.
 */
final class FirstLayerGradients {

    private FirstLayerGradients() {}

    /**
     * Installs the weights-only helper on {@code model}'s first layer where it applies (a layer stack whose layer 0
     * is a plain convolution on oneDNN's helper, in NCHW, with no input preprocessor and no dropout: either would
     * need the input gradient); returns what puts the original helper back.
     */
    public static Runnable skipInputGradient(Model model) {
        if (!(model instanceof MultiLayerNetwork network) || network.getnLayers() == 0
                || network.getLayerWiseConfigurations().getInputPreProcess(0) != null) {
            return () -> {};
        }
        Layer first = network.getLayer(0);
        if (first.getClass() != ConvolutionLayer.class || !(first.getHelper() instanceof MKLDNNConvHelper oneDnn)
                || first.conf().getLayer().getIDropout() != null
                || ((org.deeplearning4j.nn.conf.layers.ConvolutionLayer) first.conf().getLayer()).getCnn2dDataFormat()
                        != CNN2DFormat.NCHW) {
            return () -> {};
        }
        HelperFallback.setHelper(first, new WeightGradientsOnly(oneDnn));
        return () -> HelperFallback.setHelper(first, oneDnn);
    }

    /** oneDNN's convolution forward; a backward pass of weight and bias gradients alone, no input gradient. */
    static final class WeightGradientsOnly implements ConvolutionHelper {

        private final MKLDNNConvHelper oneDnn;
        /** Backward passes made here: DL4J falls back to its own path, silently, when a helper throws. */
        private long backprops;

        WeightGradientsOnly(MKLDNNConvHelper oneDnn) {
            this.oneDnn = oneDnn;
        }

        long backprops() {
            return backprops;
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
        public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides,
                int[] pad, AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            return oneDnn.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode,
                    dilation, format, workspaceMgr);
        }

        @Override
        public INDArray activate(INDArray z, IActivation afn, boolean training) {
            return oneDnn.activate(z, afn, training);
        }

        /**
         * dW[o, c, ky, kx] = sum over images and positions of delta[n, o, y, x] * input patch[n, c, ky, kx, y, x]:
         * the patches by im2col ([n, c*kh*kw, positions]), the sums by a batched product with delta ([n, o,
         * positions]) summed over the images; db[o] = the sum of delta over images and positions.
         */
        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias,
                INDArray delta, int[] kernel, int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
                IActivation afn, AlgoMode mode, BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            if (format != CNN2DFormat.NCHW || input.dataType() != DataType.FLOAT || delta.dataType() != DataType.FLOAT) {
                return oneDnn.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView,
                        weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format,
                        workspaceMgr);
            }
            backprops++;
            long images = input.size(0);
            long channels = input.size(1);
            long outputs = weights.size(0);
            long kh = weights.size(2);
            long kw = weights.size(3);
            long outH = delta.size(2);
            long outW = delta.size(3);
            INDArray patches = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, images,
                    channels, kh, kw, outH, outW);
            Convolution.im2col(input, (int) kh, (int) kw, strides[0], strides[1], pad[0], pad[1], dilation[0],
                    dilation[1], convolutionMode == ConvolutionMode.Same, patches);
            INDArray deltas = delta.isView() || delta.ordering() != 'c' ? delta.dup('c') : delta;
            INDArray perImage = Nd4j.matmul(deltas.reshape('c', images, outputs, outH * outW),
                    patches.reshape('c', images, channels * kh * kw, outH * outW), false, true, false);
            weightGradView.assign(perImage.sum(0).reshape('c', weightGradView.shape()));
            Gradient gradient = new DefaultGradient();
            if (bias != null && biasGradView != null) {
                biasGradView.assign(deltas.sum(0, 2, 3).reshape('c', biasGradView.shape()));
                gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
            }
            gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
            return new Pair<>(gradient, null);
        }
    }
}
