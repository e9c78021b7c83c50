package dev.fmnist.runtime;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.Versions;
import dev.fmnist.runtime.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Small models trained for real on the real dataset with a plain DL4J loop, saved as run folders the way
 * the engine saves them: what the runtime, server and evaluation tests load, without the training engine.
 * Each is made once per test JVM.
 */
public final class TestModels {

    private static final long SEED = 42;
    private static final Map<String, Path> MADE = new HashMap<>();

    private TestModels() {}

    /** A FLAT dense network (784-64-10), pixels scaled to [0,1], 3,000 images x 2 epochs. */
    public static Path mlp() {
        return made("mlp", InputLayout.FLAT, Normalization.Kind.SCALE, 3000, 2);
    }

    /** An IMAGE convolutional network (conv 8@3x3, pool, dense 32), pixels scaled, 2,000 images x 1 epoch. */
    public static Path cnn() {
        return made("cnn", InputLayout.IMAGE, Normalization.Kind.SCALE, 2000, 1);
    }

    /** The dense network with pixels standardized by the training images' mean and deviation. */
    public static Path standardizedMlp() {
        return made("mlp-standardized", InputLayout.FLAT, Normalization.Kind.STANDARDIZE, 3000, 2);
    }

    /**
     * An IMAGE graph network with a skip connection (conv 8@3x3, pool, a residual block of two 3x3 convolutions
     * whose input is added to their output, dense 32), pixels scaled, 2,000 images x 1 epoch.
     */
    public static Path residual() {
        return made("residual", InputLayout.IMAGE, Normalization.Kind.SCALE, 2000, 1);
    }

    private static synchronized Path made(String name, InputLayout layout, Normalization.Kind kind, int images,
            int epochs) {
        return MADE.computeIfAbsent(name, key -> train(key, layout, kind, images, epochs));
    }

    private static Path train(String name, InputLayout layout, Normalization.Kind kind, int images, int epochs) {
        LabelledImages all = RealDataset.get().dataset().trainingImages();
        LabelledImages train = all.subset(IntStream.range(0, images).toArray());
        Normalization normalization = Normalization.fit(kind, train);
        Network network = name.equals("residual") ? residualGraph()
                : new Network.Layers(new MultiLayerNetwork(layout == InputLayout.FLAT ? dense() : convolutional()));
        network.model().init();
        ImageBatchIterator batches = ImageBatchIterator.shuffled(train, layout, normalization, 64, SEED);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            batches.startEpoch(epoch);
            while (batches.hasNext()) {
                network.fit(batches.next());
            }
        }
        String modelId = name.equals("residual") ? "residual" : layout == InputLayout.FLAT ? "mlp" : "cnn";
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(), Versions.dl4j(),
                modelId, "test", "built in", layout, train.shape(), normalization, train.classNames(), SEED,
                Map.of(), 64, network.numParams(), Instant.now().toString(),
                new ModelManifest.TrainingData(RealDataset.get().dataset().description(), images, 0, 0, ""), epochs,
                null, List.of(), "none", network.kind(), null);
        try {
            Path run = Files.createTempDirectory("fmnist-test-models").resolve(name);
            ModelFile.save(network, manifest, new RunDirectory(run).create().bestModel(), false);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MultiLayerConfiguration dense() {
        return new NeuralNetConfiguration.Builder().seed(SEED).updater(new Adam(0.002)).weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(ImageShape.FASHION_MNIST.pixels()))
                .build();
    }

    private static MultiLayerConfiguration convolutional() {
        return new NeuralNetConfiguration.Builder().seed(SEED).updater(new Adam(0.002)).weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
    }

    /** The untrained graph of {@link #residual()}. */
    public static Network residualGraph() {
        ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same);
        return new Network.Graph(new ComputationGraph(new NeuralNetConfiguration.Builder().seed(SEED)
                .updater(new Adam(0.002)).weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "image")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "stem")
                .addLayer("block-a", conv.nOut(8).activation(Activation.RELU).build(), "pool")
                .addLayer("block-b", conv.nOut(8).activation(Activation.IDENTITY).build(), "block-a")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "pool", "block-b")
                .addLayer("dense", new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build(), "skip")
                .addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .build(), "dense")
                .setOutputs("output")
                .build()));
    }
}
