package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The lean batch normalization is as exact as oneDNN's helper, to a factor of two: against DL4J's own path in double
 * precision, with the same parameters, its error is at most twice oneDNN's (or 1e-5 of the largest value) for the
 * training-mode output, every parameter's gradient (gamma, beta, and the running statistics DL4J updates through its
 * gradient), the parameters after a few training steps and the inference output with the running statistics then;
 * in a layer stack, in a residual graph, and for activations whose mean dwarfs their spread.
 */
@ExtendWith(HelpersOn.class)
class LeanBatchNormTest {

    private static final INDArray LABELS = Nd4j.eye(4).repeat(0, 4).castTo(DataType.FLOAT);
    private static final INDArray PRECISE_LABELS = LABELS.castTo(DataType.DOUBLE);

    @Test
    void aLayerStackTrainsAsWithOneDnnsHelper() {
        INDArray features = Nd4j.rand(DataType.FLOAT, 16, 2, 10, 10).subi(0.5);
        MultiLayerNetwork oneDnn = stack(DataType.FLOAT);
        MultiLayerNetwork lean = stack(DataType.FLOAT);
        Runnable restore = LeanBatchNorm.install(lean);
        assertThat(helpers(lean)).hasSize(2);

        assertAsExact(lean, oneDnn, exact(() -> stack(DataType.DOUBLE), oneDnn), features);
        restore.run();
        assertThat(lean.getLayer(1).getHelper()).isInstanceOf(MKLDNNBatchNormHelper.class);
        assertThat(lean.getLayer(4).getHelper()).isInstanceOf(MKLDNNBatchNormHelper.class);
    }

    @Test
    void aResidualGraphTrainsAsWithOneDnnsHelper() {
        INDArray features = Nd4j.rand(DataType.FLOAT, 16, 2, 10, 10).subi(0.5);
        ComputationGraph oneDnn = graph(DataType.FLOAT);
        ComputationGraph lean = graph(DataType.FLOAT);
        LeanBatchNorm.install(lean);
        assertThat(helpers(lean)).hasSize(2);
        assertAsExact(lean, oneDnn, exact(() -> graph(DataType.DOUBLE), oneDnn), features);
    }

    @Test
    void activationsFarFromZeroAreNormalizedAboutTheirMean() {
        // mean about 500, spread about 0.3: E[x^2] - E[x]^2 in float would keep no digit of the variance
        INDArray features = Nd4j.rand(DataType.FLOAT, 16, 2, 10, 10).addi(500);
        MultiLayerNetwork oneDnn = normalizedInput(DataType.FLOAT);
        MultiLayerNetwork lean = normalizedInput(DataType.FLOAT);
        LeanBatchNorm.install(lean);
        assertAsExact(lean, oneDnn, exact(() -> normalizedInput(DataType.DOUBLE), oneDnn), features);
    }

    /**
     * The helper alone against the formulas in double precision, on views into larger arrays (offset buffers) and on
     * the [N, C, 1, 1] shape DL4J gives a batch normalization after a dense layer, and on values far from zero
     * (where E[x^2] - E[x]^2 or x * scale - mean * scale would cancel away their digits): the output, the batch
     * statistics DL4J reads from it, and the three gradients, each within 2e-6 of its largest value (eps alone moves
     * them 1e-5) or, where float inputs cannot give that, within twice oneDNN's helper's error.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void theHelperComputesTheFormulas(String name, long[] shape, float shift) {
        long n = shape[0];
        long[] larger = shape.clone();
        larger[0] = n + 5;
        INDArray x = Nd4j.rand(DataType.FLOAT, larger).muli(2).addi(shift).get(NDArrayIndex.interval(3, 3 + n),
                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray dy = Nd4j.rand(DataType.FLOAT, larger).subi(0.5f).get(NDArrayIndex.interval(2, 2 + n),
                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        assertThat(x.offset()).as("a view into a larger buffer").isPositive();
        int channels = (int) shape[1];
        INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, channels).addi(0.5f);
        INDArray beta = Nd4j.rand(DataType.FLOAT, 1, channels).subi(0.5f);
        double eps = 1e-5;
        LeanBatchNorm.Helper helper = new LeanBatchNorm.Helper(new MKLDNNBatchNormHelper(DataType.FLOAT));
        Pass lean = Pass.of(helper, x, dy, gamma, beta, eps);
        MKLDNNBatchNormHelper oneDnnHelper = new MKLDNNBatchNormHelper(DataType.FLOAT);
        Pass oneDnn = Pass.of(oneDnnHelper, x, dy, gamma, beta, eps);

        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray dyd = dy.castTo(DataType.DOUBLE);
        INDArray g = gamma.castTo(DataType.DOUBLE).reshape(channels);
        INDArray mean = xd.mean(0, 2, 3);
        INDArray variance = xd.var(false, 0, 2, 3);
        INDArray s = Transforms.pow(variance.add(eps), -0.5);
        INDArray xhat = Nd4j.exec(new BroadcastMulOp(Nd4j.exec(new BroadcastSubOp(xd, mean, xd.ulike(), 1)), s,
                xd.ulike(), 1));
        INDArray y = Nd4j.exec(new BroadcastAddOp(Nd4j.exec(new BroadcastMulOp(xhat, g, xd.ulike(), 1)),
                beta.castTo(DataType.DOUBLE).reshape(channels), xd.ulike(), 1));
        INDArray sumDy = dyd.sum(0, 2, 3);
        INDArray sumDyXhat = dyd.mul(xhat).sum(0, 2, 3);
        double m = (double) n * shape[2] * shape[3];
        // dx = gamma * s / m * (m * dy - sum(dy) - xhat * sum(dy * xhat))
        INDArray inner = Nd4j.exec(new BroadcastSubOp(dyd.mul(m), sumDy, xd.ulike(), 1))
                .subi(Nd4j.exec(new BroadcastMulOp(xhat, sumDyXhat, xd.ulike(), 1)));
        INDArray expectedDx = Nd4j.exec(new BroadcastMulOp(inner, g.mul(s).divi(m), xd.ulike(), 1));

        assertAsExact(lean.out(), oneDnn.out(), y, 2e-6, "output");
        assertAsExact(lean.mean(), oneDnn.mean(), mean, 2e-6, "batch mean");
        assertAsExact(lean.variance(), oneDnn.variance(), variance, 2e-6, "batch variance, biased, no eps");
        assertAsExact(lean.dBeta(), oneDnn.dBeta(), sumDy, 2e-6, "beta's gradient");
        assertAsExact(lean.dGamma(), oneDnn.dGamma(), sumDyXhat, 2e-6, "gamma's gradient");
        assertAsExact(lean.dx(), oneDnn.dx(), expectedDx, 2e-6, "input gradient");
        assertThat(helper.forwards()).isOne();
        assertThat(helper.backwards()).isOne();
    }

    /** One training pass of a helper: its output, the statistics it leaves for DL4J, its gradients. */
    private record Pass(INDArray out, INDArray mean, INDArray variance, INDArray dBeta, INDArray dGamma, INDArray dx) {
        static Pass of(BatchNormalizationHelper helper, INDArray x, INDArray dy, INDArray gamma, INDArray beta,
                double eps) {
            int channels = (int) x.size(1);
            LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
            INDArray out = helper.preOutput(x, true, x.shape(), gamma, beta, Nd4j.zeros(DataType.FLOAT, 1, channels),
                    Nd4j.ones(DataType.FLOAT, 1, channels), 0.9, eps, CNN2DFormat.NCHW, workspaces).dup();
            INDArray dGamma = Nd4j.zeros(DataType.FLOAT, 1, channels);
            INDArray dBeta = Nd4j.zeros(DataType.FLOAT, 1, channels);
            INDArray dx = helper.backpropGradient(x, dy, x.shape(), gamma, beta, dGamma, dBeta, eps, CNN2DFormat.NCHW,
                    workspaces).getSecond().dup();
            return new Pass(out, helper.getMeanCache(DataType.FLOAT).dup().reshape(channels),
                    helper.getVarCache(DataType.FLOAT).dup().reshape(channels), dBeta.reshape(channels),
                    dGamma.reshape(channels), dx);
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of("after a convolution, [8, 3, 5, 5]", new long[] {8, 3, 5, 5}, 0.3f),
                Arguments.of("after a dense layer, [16, 6, 1, 1]", new long[] {16, 6, 1, 1}, 0.3f),
                Arguments.of("values about 500, spread about 0.6", new long[] {8, 3, 5, 5}, 500f));
    }

    @Test
    void inferenceIsOneDnns() {
        MultiLayerNetwork lean = stack(DataType.FLOAT);
        LeanBatchNorm.install(lean);
        lean.output(Nd4j.rand(DataType.FLOAT, 4, 2, 10, 10), false);
        assertThat(helpers(lean)).hasSize(2).allSatisfy(helper -> assertThat(helper.forwards()).isZero());
    }

    @Test
    void layersWithoutOneDnnsHelperAreLeftAlone() {
        LayerHelpers.enable(false);
        try {
            MultiLayerNetwork plain = stack(DataType.FLOAT);
            LeanBatchNorm.install(plain);
            assertThat(plain.getLayer(1).getHelper()).isNull();
        } finally {
            LayerHelpers.enable(true);
        }
    }

    private static void assertAsExact(Model lean, Model oneDnn, Model exact, INDArray features) {
        INDArray precise = features.castTo(DataType.DOUBLE);
        assertAsExact(activations(lean, features), activations(oneDnn, features), activations(exact, precise),
                "training-mode output");
        Map<String, INDArray> expected = gradients(exact, precise);
        Map<String, INDArray> byOneDnn = gradients(oneDnn, features);
        Map<String, INDArray> actual = gradients(lean, features);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, gradient) -> assertAsExact(actual.get(name), byOneDnn.get(name), gradient,
                "gradient of " + name));
        for (int step = 0; step < 3; step++) {
            fit(oneDnn, features);
            fit(lean, features);
            fit(exact, precise);
        }
        assertAsExact(lean.params(), oneDnn.params(), exact.params(), "parameters after 3 steps");
        assertAsExact(inference(lean, features), inference(oneDnn, features), inference(exact, precise),
                "inference output, with the running statistics");
        for (LeanBatchNorm.Helper helper : helpers(lean)) {
            assertThat(helper.forwards()).as("forward passes made by the helper, not DL4J's fallback").isEqualTo(5);
            assertThat(helper.backwards()).as("backward passes made by the helper").isEqualTo(4);
        }
    }

    /** A double-precision copy of {@code model} on DL4J's own path (no helper), with the same parameters. */
    private static <M extends Model> M exact(java.util.function.Supplier<M> build, Model model) {
        LayerHelpers.enable(false);
        try {
            M exact = build.get();
            exact.setParams(model.params().castTo(DataType.DOUBLE));
            return exact;
        } finally {
            LayerHelpers.enable(true);
        }
    }

    private static java.util.List<LeanBatchNorm.Helper> helpers(Model model) {
        return java.util.Arrays.stream(LayerHelpers.layersOf(model)).map(Layer::getHelper)
                .filter(LeanBatchNorm.Helper.class::isInstance).map(LeanBatchNorm.Helper.class::cast).toList();
    }

    private static INDArray activations(Model model, INDArray features) {
        if (model instanceof MultiLayerNetwork network) {
            return network.output(features, true).dup();
        }
        return ((ComputationGraph) model).outputSingle(true, features).dup();
    }

    private static INDArray inference(Model model, INDArray features) {
        if (model instanceof MultiLayerNetwork network) {
            return network.output(features, false).dup();
        }
        return ((ComputationGraph) model).outputSingle(false, features).dup();
    }

    private static Map<String, INDArray> gradients(Model model, INDArray features) {
        if (model instanceof MultiLayerNetwork network) {
            network.setInput(features);
            network.setLabels(labels(features));
            network.computeGradientAndScore();
        } else {
            ComputationGraph graph = (ComputationGraph) model;
            graph.setInputs(features);
            graph.setLabels(labels(features));
            graph.computeGradientAndScore();
        }
        Map<String, INDArray> copies = new java.util.TreeMap<>();
        model.gradient().gradientForVariable().forEach((name, gradient) -> copies.put(name, gradient.dup()));
        return copies;
    }

    private static void fit(Model model, INDArray features) {
        if (model instanceof MultiLayerNetwork network) {
            network.fit(features, labels(features));
        } else {
            ((ComputationGraph) model).fit(new INDArray[] {features}, new INDArray[] {labels(features)});
        }
    }

    private static INDArray labels(INDArray features) {
        return features.dataType() == DataType.DOUBLE ? PRECISE_LABELS : LABELS;
    }

    private static void assertAsExact(INDArray lean, INDArray oneDnn, INDArray exact, String what) {
        assertAsExact(lean, oneDnn, exact, 1e-5, what);
    }

    private static void assertAsExact(INDArray lean, INDArray oneDnn, INDArray exact, double floor, String what) {
        double leanError = error(lean, exact);
        double oneDnnError = error(oneDnn, exact);
        assertThat(leanError).as(what + ": largest difference from the exact value, relative to the largest value "
                + "(oneDNN's helper: " + oneDnnError + ")").isLessThanOrEqualTo(Math.max(floor, 2 * oneDnnError));
    }

    private static double error(INDArray actual, INDArray exact) {
        double scale = Math.max(1e-12, exact.amaxNumber().doubleValue());
        return actual.castTo(DataType.DOUBLE).sub(exact).amaxNumber().doubleValue() / scale;
    }

    private static NeuralNetConfiguration.Builder base(DataType type) {
        return new NeuralNetConfiguration.Builder().seed(5).updater(new Nesterovs(0.1, 0.9)).dataType(type);
    }

    private static MultiLayerNetwork stack(DataType type) {
        MultiLayerNetwork network = new MultiLayerNetwork(base(type).list()
                .layer(conv(6))
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(conv(8))
                .layer(new BatchNormalization.Builder().build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(10, 10, 2)).build());
        network.init();
        return network;
    }

    private static MultiLayerNetwork normalizedInput(DataType type) {
        MultiLayerNetwork network = new MultiLayerNetwork(base(type).list()
                .layer(new BatchNormalization.Builder().build())
                .layer(conv(4))
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(10, 10, 2)).build());
        network.init();
        return network;
    }

    /** A pre-activation residual block: the sum feeds the next batch normalization, as in the resnet. */
    private static ComputationGraph graph(DataType type) {
        ComputationGraph graph = new ComputationGraph(base(type).graphBuilder()
                .addInputs("in")
                .addLayer("stem", conv(6), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "stem")
                .addLayer("relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("conv", conv(6), "relu1")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem", "conv")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "sum")
                .addLayer("relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu2")
                .addLayer("out", new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(10, 10, 2)).build());
        graph.init();
        return graph;
    }

    private static ConvolutionLayer conv(int filters) {
        return new ConvolutionLayer.Builder(3, 3).nOut(filters).padding(1, 1).activation(Activation.IDENTITY)
                .hasBias(false).build();
    }
}
