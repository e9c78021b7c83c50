package dev.fmnist.models.ensemble;

import dev.fmnist.models.ModelException;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.model.Versions;
import dev.fmnist.runtime.nativecpu.HelperFallback;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.search.CatalogIndexer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Makes an ensemble of trained models: one DL4J graph holding every member's layers side by side on the same input
 * ({@code m1_...}, {@code m2_...}), each member's class probabilities scaled by its weight and summed. It is saved,
 * loaded, evaluated and served as any graph network, with no special case: a forward pass runs every member once.
 * Its embedding (similar items) is its first member's: the output layer found first from the output.
 */
public final class Ensembles {

    /**
     * The graph's input, and the vertices that weigh and sum the members: named apart from the members' vertices,
     * which all start with {@code m<k>_}.
     */
    static final String INPUT = "input";
    static final String OUTPUT = "ensemble";
    static final String WEIGHT = "ensemble_weight_";

    /** A member: its model file, and the model read from it. */
    public record Member(Path modelFile, SavedModel model) {}

    private Ensembles() {}

    /**
     * The ensemble of {@code members}, weighted by {@code weights} (normalized to sum to 1; empty for equal weights),
     * every image averaged with its mirror when {@code flipAveraging}.
     *
     * @param classes where each member's network was restored from: members of two plugin JARs are refused, since the
     *                ensemble is restored through one plugin's classes
     */
    public static SavedModel of(List<Member> members, List<Double> weights, boolean flipAveraging,
            PluginClasses classes) {
        if (members.size() < 2) {
            throw new ModelException("an ensemble needs two models or more, got " + members.size());
        }
        if (!weights.isEmpty() && weights.size() != members.size()) {
            throw new ModelException(weights.size() + " weights for " + members.size() + " models: give one weight per "
                    + "model, or none for equal weights");
        }
        double total = 0;
        for (double weight : weights) {
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new ModelException("weights must be positive numbers, got " + weight);
            }
            total += weight;
        }
        Member first = members.get(0);
        for (Member member : members.subList(1, members.size())) {
            agree(first, member, classes);
        }
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs(INPUT);
        List<String> weighted = new ArrayList<>();
        List<ModelManifest.Ensemble.Member> recorded = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            double weight = weights.isEmpty() ? 1.0 / members.size() : weights.get(i) / total;
            String prefix = "m" + (i + 1) + "_";
            String output = addMember(builder, prefix, member.model().network());
            builder.addVertex(WEIGHT + (i + 1), new ScaleVertex(weight), output);
            weighted.add(WEIGHT + (i + 1));
            ModelManifest manifest = member.model().manifest();
            recorded.add(new ModelManifest.Ensemble.Member(member.modelFile().toString(),
                    CatalogIndexer.sha256(member.modelFile()), manifest.modelId(), manifest.epoch(),
                    member.model().network().numParams(), weight));
        }
        builder.addVertex(OUTPUT, new ElementWiseVertex(ElementWiseVertex.Op.Add), weighted.toArray(String[]::new))
                .setOutputs(OUTPUT);
        ComputationGraph graph = new ComputationGraph(builder.build());
        graph.init();
        for (int i = 0; i < members.size(); i++) {
            copyParameters(members.get(i).model().network(), graph, "m" + (i + 1) + "_");
        }
        HelperFallback.apply(graph);
        ModelManifest one = first.model().manifest();
        reproduces(graph, members, recorded, one);
        ModelManifest manifest = new ModelManifest(ModelManifest.ENSEMBLE_FORMAT_VERSION, Versions.platform(),
                Versions.dl4j(), "ensemble", Versions.platform(), "an ensemble of " + members.size() + " models",
                one.inputLayout(), one.imageShape(), one.normalization(), one.classNames(), one.seed(), Map.of(),
                one.batchSize(), graph.numParams(), Instant.now().toString(), one.data(), 0, null, List.of(), "none",
                Network.Kind.GRAPH, null, new ModelManifest.Ensemble(recorded, flipAveraging));
        return new SavedModel(Network.of(graph), manifest);
    }

    /**
     * Checks on two random inputs that the graph answers its members' weighted mean: a weight DL4J keeps where this
     * class does not copy it would otherwise go unnoticed.
     */
    private static void reproduces(ComputationGraph graph, List<Member> members,
            List<ModelManifest.Ensemble.Member> recorded, ModelManifest manifest) {
        long[] shape = manifest.inputLayout() == dev.fmnist.api.InputLayout.FLAT
                ? new long[] {2, manifest.imageShape().pixels()}
                : new long[] {2, manifest.imageShape().channels(), manifest.imageShape().height(),
                        manifest.imageShape().width()};
        INDArray input = Nd4j.rand(DataType.FLOAT, shape);
        INDArray expected = null;
        for (int i = 0; i < members.size(); i++) {
            INDArray output = members.get(i).model().network().output(input).mul(recorded.get(i).weight());
            expected = expected == null ? output : expected.addi(output);
        }
        double difference = Nd4j.math().abs(graph.outputSingle(false, input).sub(expected)).maxNumber().doubleValue();
        if (!(difference < 1e-4)) {
            throw new ModelException("the ensemble does not answer its members' weighted mean (off by " + difference
                    + "): a member holds weights outside its layers that cannot be copied");
        }
    }

    /** Members must read the same inputs the same way and name the same classes. */
    private static void agree(Member first, Member other, PluginClasses classes) {
        ModelManifest a = first.model().manifest();
        ModelManifest b = other.model().manifest();
        String difference = null;
        if (!a.classNames().equals(b.classNames())) {
            difference = "classes " + a.classNames() + " and " + b.classNames();
        } else if (!a.imageShape().equals(b.imageShape())) {
            difference = "images " + a.imageShape() + " and " + b.imageShape();
        } else if (a.inputLayout() != b.inputLayout()) {
            difference = "input layouts " + a.inputLayout() + " and " + b.inputLayout()
                    + " (a flat model and an image model cannot share one input)";
        } else if (!a.normalization().equals(b.normalization())) {
            difference = "input normalizations " + a.normalization() + " and " + b.normalization();
        } else if (classes.loaderFor(a) != classes.loaderFor(b)) {
            difference = "plugins: " + a.modelId() + " (" + a.pluginOrigin() + ") and " + b.modelId() + " ("
                    + b.pluginOrigin() + "), whose classes one network cannot load together";
        } else if (a.flipAveraged() || b.flipAveraged() || b.ensemble() != null || a.ensemble() != null) {
            difference = "kinds: one of them is an ensemble already; list its members instead";
        }
        if (difference != null) {
            throw new ModelException("cannot make an ensemble of " + first.modelFile() + " (" + a.modelId() + ") and "
                    + other.modelFile() + " (" + b.modelId() + "): they differ in " + difference);
        }
    }

    /** Adds a member's layers under {@code prefix}, fed by the ensemble's input; returns its output vertex. */
    private static String addMember(ComputationGraphConfiguration.GraphBuilder builder, String prefix,
            Network network) {
        if (network.model() instanceof ComputationGraph graph) {
            ComputationGraphConfiguration conf = graph.getConfiguration();
            String input = conf.getNetworkInputs().get(0);
            for (String name : conf.getTopologicalOrderStr()) {
                GraphVertex vertex = conf.getVertices().get(name);
                if (vertex == null) {
                    continue; // the network's input
                }
                String[] inputs = conf.getVertexInputs().get(name).stream()
                        .map(in -> in.equals(input) ? INPUT : prefix + in).toArray(String[]::new);
                builder.addVertex(prefix + name, renamed(vertex.clone(), prefix + name), inputs);
            }
            return prefix + conf.getNetworkOutputs().get(0);
        }
        MultiLayerConfiguration conf = ((MultiLayerNetwork) network.model()).getLayerWiseConfigurations();
        String previous = INPUT;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            String name = prefix + i;
            InputPreProcessor preProcessor = conf.getInputPreProcess(i);
            builder.addVertex(name, renamed(new LayerVertex(conf.getConf(i).clone(),
                    preProcessor == null ? null : preProcessor.clone()), name), previous);
            previous = name;
        }
        return previous;
    }

    /** A layer vertex's layer takes the vertex's name: DL4J keys learning rates and parameters by it. */
    private static GraphVertex renamed(GraphVertex vertex, String name) {
        if (vertex instanceof LayerVertex layer) {
            layer.getLayerConf().getLayer().setLayerName(name);
        }
        return vertex;
    }

    private static void copyParameters(Network member, ComputationGraph ensemble, String prefix) {
        if (member.model() instanceof ComputationGraph graph) {
            // every vertex with weights, not only layers (a SameDiff vertex holds its own)
            for (org.deeplearning4j.nn.graph.vertex.GraphVertex vertex : graph.getVertices()) {
                if (vertex.numParams() > 0) {
                    ensemble.getVertex(prefix + vertex.getVertexName()).params().assign(vertex.params());
                }
            }
            return;
        }
        Layer[] layers = ((MultiLayerNetwork) member.model()).getLayers();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].numParams() > 0) {
                ensemble.getVertex(prefix + i).params().assign(layers[i].params());
            }
        }
    }
}
