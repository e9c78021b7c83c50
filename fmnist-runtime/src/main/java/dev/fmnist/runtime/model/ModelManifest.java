package dev.fmnist.runtime.model;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.image.encode.Normalization;
import java.util.List;
import java.util.Map;

/**
 * What a model file says about itself, so it can be evaluated or served years later: which plugin built
 * it, how inputs must be prepared, the classes it outputs, and what it was trained on.
 *
 * @param formatVersion   of this manifest; a reader refuses a newer one
 * @param epoch           epochs trained when this file was written
 * @param metrics         the metrics of that epoch
 * @param history         every epoch so far (used to resume from {@code last.zip})
 * @param augmentation    the training images' augmentation spec ({@code none}, or such as
 *                        {@code crop:4,flip}); absent (null) in files written before it was recorded
 * @param network         how the network is described: a layer stack or a graph; absent (null) in format 1,
 *                        which knew only layer stacks
 * @param parent          the model this one was fine-tuned from; null for a model trained from scratch
 * @param ensemble        what an ensemble's network averages ({@code fmnist ensemble}); null for one network
 * @param calibration     the temperature its probabilities are answered at, fitted on the run's validation images
 *                        when its training ended ({@code fmnist calibrate}); null for none. A platform that predates it
 *                        ignores it and answers the raw probabilities, which rank the classes the same way
 * @param acceptance      the confidence from which its answers are accepted with no person looking, chosen on the
 *                        run's validation images for a target accuracy ({@code fmnist threshold}); null for none
 * @param imported        where a model that was not trained here came from ({@code fmnist import keras}); null for one
 *                        trained by the platform
 */
public record ModelManifest(
        int formatVersion,
        String platformVersion,
        String dl4jVersion,
        String modelId,
        String pluginVersion,
        String pluginOrigin,
        InputLayout inputLayout,
        ImageShape imageShape,
        Normalization normalization,
        List<String> classNames,
        long seed,
        Map<String, String> hyperparameters,
        int batchSize,
        long parameters,
        String trainedAt,
        TrainingData data,
        int epoch,
        EpochMetrics metrics,
        List<EpochMetrics> history,
        String augmentation,
        Network.Kind network,
        Parent parent,
        Ensemble ensemble,
        Calibration calibration,
        Acceptance acceptance,
        Imported imported) {

    /** Format 2 added {@code network}: a platform of format 1 cannot read a graph and says so. */
    public static final int FORMAT_VERSION = 2;

    /**
     * Format 3 added {@code ensemble}; only ensembles are written in it, so a platform of format 2 refuses an ensemble
     * (whose flip averaging it would not know) and still reads every other file.
     */
    public static final int ENSEMBLE_FORMAT_VERSION = 3;

    /** The newest format this platform reads. */
    public static final int READS_UP_TO = ENSEMBLE_FORMAT_VERSION;

    /**
     * What the model learned from.
     *
     * @param source             where the dataset was found
     * @param trainImages        images in the training split (after any limit)
     * @param validationImages   images in the validation split
     * @param validationFraction share of each class held out
     * @param trainImagesSha256  SHA-256 of the training images file's content
     */
    public record TrainingData(String source, int trainImages, int validationImages, double validationFraction,
            String trainImagesSha256) {}

    /**
     * The model a fine-tuned one started from.
     *
     * @param modelFile     the parent's model file, as given
     * @param modelId       its plugin
     * @param classNames    the classes it was trained on
     * @param data          what it was trained on
     * @param epoch         the epoch of its weights
     * @param frozenLayers  how many of its layers were kept frozen
     * @param learningRate  the fine-tuning learning rate
     */
    public record Parent(String modelFile, String modelId, List<String> classNames, String data, int epoch,
            int frozenLayers, double learningRate) {

        public Parent {
            classNames = List.copyOf(classNames);
        }
    }

    /**
     * What an ensemble averages: its members' probabilities, weighted, each image's optionally averaged with its
     * mirror's ({@code Predictor} does that for a manifest that asks).
     *
     * @param flipAveraging whether every prediction averages each image with its mirror
     */
    public record Ensemble(List<Member> members, boolean flipAveraging) {

        /** A manifest that lists no member, or a weight that is not a positive share, is refused as it is read. */
        public Ensemble {
            members = List.copyOf(members);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("an ensemble's manifest lists no member");
            }
            for (Member member : members) {
                if (!(member.weight() > 0 && member.weight() <= 1)) {
                    throw new IllegalArgumentException("an ensemble member's weight must be in (0, 1], got "
                            + member.weight() + " for " + member.modelFile());
                }
            }
        }

        /**
         * One member, as it was when the ensemble was made.
         *
         * @param modelFile  its model file, as given
         * @param sha256     of that file
         * @param weight     its share of the average (the weights sum to 1)
         * @param parameters its network's parameter count
         */
        public record Member(String modelFile, String sha256, String modelId, int epoch, long parameters,
                double weight) {}
    }

    /**
     * A model trained elsewhere and imported: what it was, so a reader can tell it apart from the platform's own and
     * check it against the file it came from.
     *
     * @param format        the file's format, such as {@code Keras 2 HDF5}
     * @param file          the file's name, as given
     * @param sha256        of that file
     * @param version       the version of the library that wrote it (Keras's {@code keras_version})
     * @param backend       the backend it was trained on (Keras's {@code backend})
     * @param inputShape    one input as the file declares it, without the batch ({@code [28, 28, 1]} channels-last)
     * @param conversion    what the import changed so the platform's inputs reach it unchanged, in a sentence
     */
    public record Imported(String format, String file, String sha256, String version, String backend,
            List<Long> inputShape, String conversion) {

        public Imported {
            inputShape = List.copyOf(inputShape);
        }
    }

    /** A manifest of one network (no ensemble). */
    public ModelManifest(int formatVersion, String platformVersion, String dl4jVersion, String modelId,
            String pluginVersion, String pluginOrigin, InputLayout inputLayout, ImageShape imageShape,
            Normalization normalization, List<String> classNames, long seed, Map<String, String> hyperparameters,
            int batchSize, long parameters, String trainedAt, TrainingData data, int epoch, EpochMetrics metrics,
            List<EpochMetrics> history, String augmentation, Network.Kind network, Parent parent) {
        this(formatVersion, platformVersion, dl4jVersion, modelId, pluginVersion, pluginOrigin, inputLayout,
                imageShape, normalization, classNames, seed, hyperparameters, batchSize, parameters, trainedAt, data,
                epoch, metrics, history, augmentation, network, parent, null);
    }

    /** A manifest without calibration. */
    public ModelManifest(int formatVersion, String platformVersion, String dl4jVersion, String modelId,
            String pluginVersion, String pluginOrigin, InputLayout inputLayout, ImageShape imageShape,
            Normalization normalization, List<String> classNames, long seed, Map<String, String> hyperparameters,
            int batchSize, long parameters, String trainedAt, TrainingData data, int epoch, EpochMetrics metrics,
            List<EpochMetrics> history, String augmentation, Network.Kind network, Parent parent, Ensemble ensemble) {
        this(formatVersion, platformVersion, dl4jVersion, modelId, pluginVersion, pluginOrigin, inputLayout,
                imageShape, normalization, classNames, seed, hyperparameters, batchSize, parameters, trainedAt, data,
                epoch, metrics, history, augmentation, network, parent, ensemble, null);
    }

    /** A manifest without an acceptance threshold. */
    public ModelManifest(int formatVersion, String platformVersion, String dl4jVersion, String modelId,
            String pluginVersion, String pluginOrigin, InputLayout inputLayout, ImageShape imageShape,
            Normalization normalization, List<String> classNames, long seed, Map<String, String> hyperparameters,
            int batchSize, long parameters, String trainedAt, TrainingData data, int epoch, EpochMetrics metrics,
            List<EpochMetrics> history, String augmentation, Network.Kind network, Parent parent, Ensemble ensemble,
            Calibration calibration) {
        this(formatVersion, platformVersion, dl4jVersion, modelId, pluginVersion, pluginOrigin, inputLayout,
                imageShape, normalization, classNames, seed, hyperparameters, batchSize, parameters, trainedAt, data,
                epoch, metrics, history, augmentation, network, parent, ensemble, calibration, null);
    }

    /** A manifest of a model trained here (none imported). */
    public ModelManifest(int formatVersion, String platformVersion, String dl4jVersion, String modelId,
            String pluginVersion, String pluginOrigin, InputLayout inputLayout, ImageShape imageShape,
            Normalization normalization, List<String> classNames, long seed, Map<String, String> hyperparameters,
            int batchSize, long parameters, String trainedAt, TrainingData data, int epoch, EpochMetrics metrics,
            List<EpochMetrics> history, String augmentation, Network.Kind network, Parent parent, Ensemble ensemble,
            Calibration calibration, Acceptance acceptance) {
        this(formatVersion, platformVersion, dl4jVersion, modelId, pluginVersion, pluginOrigin, inputLayout,
                imageShape, normalization, classNames, seed, hyperparameters, batchSize, parameters, trainedAt, data,
                epoch, metrics, history, augmentation, network, parent, ensemble, calibration, acceptance, null);
    }

    public ModelManifest {
        classNames = List.copyOf(classNames);
        hyperparameters = Map.copyOf(hyperparameters);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The network's kind, {@link Network.Kind#LAYERS} for files written before graphs existed. */
    public Network.Kind networkKind() {
        return network == null ? Network.Kind.LAYERS : network;
    }

    /** The same manifest at a later epoch. */
    public ModelManifest at(int epoch, EpochMetrics metrics, List<EpochMetrics> history, String trainedAt) {
        return new ModelManifest(formatVersion, platformVersion, dl4jVersion, modelId, pluginVersion, pluginOrigin,
                inputLayout, imageShape, normalization, classNames, seed, hyperparameters, batchSize, parameters,
                trainedAt, data, epoch, metrics, history, augmentation, network, parent, ensemble, calibration,
                acceptance, imported);
    }

    /**
     * The same manifest with {@code value} as its calibration; null for none. An acceptance threshold chosen at
     * another temperature is kept, and ignored until chosen again ({@code Predictor#acceptance}).
     */
    public ModelManifest withCalibration(Calibration value) {
        return new ModelManifest(formatVersion, platformVersion, dl4jVersion, modelId, pluginVersion, pluginOrigin,
                inputLayout, imageShape, normalization, classNames, seed, hyperparameters, batchSize, parameters,
                trainedAt, data, epoch, metrics, history, augmentation, network, parent, ensemble, value, acceptance,
                imported);
    }

    /** The same manifest with {@code value} as its acceptance threshold; null for none. */
    public ModelManifest withAcceptance(Acceptance value) {
        return new ModelManifest(formatVersion, platformVersion, dl4jVersion, modelId, pluginVersion, pluginOrigin,
                inputLayout, imageShape, normalization, classNames, seed, hyperparameters, batchSize, parameters,
                trainedAt, data, epoch, metrics, history, augmentation, network, parent, ensemble, calibration, value,
                imported);
    }

    /** The temperature this model's probabilities are answered at: its calibration's, else 1. */
    public double answerTemperature() {
        return calibration == null ? 1 : calibration.temperature();
    }

    /** Whether every prediction of this model averages each image with its mirror (an ensemble made so). */
    public boolean flipAveraged() {
        return ensemble != null && ensemble.flipAveraging();
    }
}
