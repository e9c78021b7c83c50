package dev.fmnist.keras;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.Versions;
import dev.fmnist.runtime.nativecpu.HelperFallback;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.search.CatalogIndexer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Imports a Keras 2 HDF5 model (Sequential or functional) as a run folder ({@code best.zip} with an fmnist
 * manifest), which evaluate, compare,
 * predict, serve, index, fine-tune and the Spark job read as they read a trained run: the network is converted to the
 * platform's input layout and core DL4J classes ({@link LayoutConversion}) and checked to answer as the importer's
 * network does.
 */
public final class KerasImport {

    /**
     * How the model reads pixels and names its answers.
     *
     * @param name          the model's name (its id in the manifest, the server's name for it)
     * @param normalization how an 8-bit pixel becomes the model's input, as the model was trained
     * @param classNames    the class of each output unit, in order
     */
    public record Options(String name, Normalization normalization, List<String> classNames) {

        public Options {
            classNames = List.copyOf(classNames);
        }
    }

    /** The run folder written, its manifest, and the layers imported (DL4J's summary table). */
    public record Result(Path runDir, ModelManifest manifest, String layers) {}

    /** Input shapes of a 28x28 grey image Keras models take, channels-last or flat. */
    private static final List<List<Long>> ACCEPTED_INPUTS = List.of(List.of(28L, 28L, 1L), List.of(28L, 28L),
            List.of(784L));

    /** DL4J's importer names an unknown layer class in this sentence. */
    private static final Pattern UNSUPPORTED = Pattern.compile("Unsupported keras layer type (\\w+)");

    private KerasImport() {}

    public static Result importFile(Path file, Options options, Path runDir) {
        RunDirectory run = new RunDirectory(runDir);
        if (Files.exists(run.bestModel()) || Files.exists(run.lastModel())) {
            throw new KerasImportException(runDir + " already holds a model: choose another --out");
        }
        KerasFile keras = KerasFile.read(file);
        for (String kind : List.of("Rescaling", "Normalization")) {
            keras.layerOfKind(kind).ifPresent(layer -> {
                throw new KerasImportException("the model's layer '" + layer.name() + "' (" + kind + ") is not "
                        + "supported by DL4J's Keras importer: remove it from the model and say how pixels were "
                        + "scaled with --scale (Rescaling(1/255) is --scale 1/255, the default) or --normalize "
                        + "MEAN,STD");
            });
        }
        if (!ACCEPTED_INPUTS.contains(keras.inputShape())) {
            throw new KerasImportException("the model takes inputs of shape " + keras.inputShape() + ": the platform "
                    + "imports models of 28x28 grey images, [28, 28, 1] (channels-last), [28, 28] or [784]");
        }
        Model imported = importNetwork(keras);
        LayoutConversion.Converted converted = LayoutConversion.of(imported, keras.inputShape(),
                options.classNames().size());
        HelperFallback.dropAll(imported); // the reference: DL4J's built-in path, no helper quirks
        reproduces(imported, converted, keras.inputShape());
        HelperFallback.apply(converted.network());
        ModelManifest manifest = manifest(keras, options, converted);
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDir + ": " + e.getMessage(), e);
        }
        ModelFile.save(Network.of(converted.network()), manifest, run.bestModel(), false);
        String layers = converted.network() instanceof ComputationGraph graph ? graph.summary()
                : ((MultiLayerNetwork) converted.network()).summary();
        return new Result(runDir, manifest, layers);
    }

    private static Model importNetwork(KerasFile keras) {
        String path = keras.path().toString();
        // the builder closes the file when it builds, and here when building fails too
        try (KerasModelBuilder builder = new KerasModel().modelBuilder().modelHdf5Filename(path)
                .enforceTrainingConfig(false)) {
            return keras.sequential() ? builder.buildSequential().getMultiLayerNetwork()
                    : builder.buildModel().getComputationGraph();
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage());
            Matcher unsupported = UNSUPPORTED.matcher(message);
            if (unsupported.find()) {
                String kind = unsupported.group(1);
                String layer = keras.layerOfKind(kind).map(l -> "'" + l.name() + "' (" + kind + ")").orElse(kind);
                throw new KerasImportException("the model's layer " + layer + " is not supported by DL4J "
                        + Versions.dl4j() + "'s Keras importer (it reads Dense, Conv2D, pooling, BatchNormalization, "
                        + "Dropout, Flatten, Activation and the like; docs/IMPORT.md)", e);
            }
            throw new KerasImportException("DL4J's Keras importer could not read " + keras.path() + ": " + message, e);
        }
    }

    /**
     * The converted network must answer as the importer's does (the same inputs in each one's layout): a layout or
     * weight order the conversion got wrong shows here, not in a user's accuracy.
     */
    private static void reproduces(Model imported, LayoutConversion.Converted converted,
            List<Long> inputShape) {
        int n = 3;
        INDArray input = converted.layout() == InputLayout.IMAGE ? Nd4j.rand(DataType.FLOAT, n, 1, 28, 28)
                : Nd4j.rand(DataType.FLOAT, n, 784);
        // the same images as the importer's network takes them: channels-last, or [28, 28] rows
        INDArray theirs = switch (inputShape.size()) {
            case 3 -> input.permute(0, 2, 3, 1).dup('c');
            case 2 -> input.reshape('c', n, 28, 28);
            default -> input;
        };
        double difference;
        try {
            difference = Nd4j.math().abs(output(converted.network(), input).sub(output(imported, theirs)))
                    .maxNumber().doubleValue();
        } catch (RuntimeException e) {
            throw new KerasImportException("the converted network cannot run a batch of images (" + e.getMessage()
                    + "); please report this with the model's summary", e);
        }
        if (!(difference < 1e-4)) {
            throw new KerasImportException("the converted network does not answer as the imported one (off by "
                    + difference + "); please report this with the model's summary");
        }
    }

    private static INDArray output(Model network, INDArray input) {
        return network instanceof ComputationGraph graph ? graph.outputSingle(false, input)
                : ((MultiLayerNetwork) network).output(input, false);
    }

    private static ModelManifest manifest(KerasFile keras, Options options, LayoutConversion.Converted converted) {
        String sha256 = CatalogIndexer.sha256(keras.path());
        String origin = "Keras " + keras.kerasVersion() + " (" + keras.backend() + ") HDF5 file "
                + keras.path().getFileName();
        ModelManifest.Imported imported = new ModelManifest.Imported("Keras HDF5", keras.path().getFileName()
                .toString(), sha256, keras.kerasVersion(), keras.backend(), keras.inputShape(), converted.sentence());
        Network network = Network.of(converted.network());
        return new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(), Versions.dl4j(), options.name(),
                keras.kerasVersion(), origin, converted.layout(), ImageShape.FASHION_MNIST, options.normalization(),
                options.classNames(), 0, Map.of(), 64, converted.network().numParams(), Instant.now().toString(),
                new ModelManifest.TrainingData("imported from " + keras.path().getFileName() + " (trained elsewhere)",
                        0, 0, 0, null),
                0, null, List.of(), "none", network.kind(), null, null, null, null, imported);
    }
}
