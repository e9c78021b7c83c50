package dev.fmnist.spark.score;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a scored catalog, in order. A row whose image could not be used has its {@code error} set and
 * every prediction column null; the job never fails for one bad file.
 */
public final class ScoredSchema {

    public static final String ID = "id";
    public static final String PATH = "path";
    public static final String LABEL = "label";
    public static final String PROBABILITY = "probability";
    public static final String TOP_LABELS = "top_labels";
    public static final String TOP_PROBABILITIES = "top_probabilities";
    /** Whether the model's threshold ({@code fmnist threshold}) accepts the answer; null for a model without one. */
    public static final String ACCEPTED = "accepted";
    public static final String EMBEDDING = "embedding";
    public static final String PIXELS = "pixels";
    public static final String MODEL = "model";
    public static final String MODEL_VERSION = "model_version";
    public static final String ERROR = "error";

    private ScoredSchema() {}

    /** The schema of rows scored with {@code settings}: the embedding and pixel columns only when asked for. */
    public static StructType of(ScoreSettings settings) {
        List<StructField> fields = new ArrayList<>(List.of(
                DataTypes.createStructField(ID, DataTypes.StringType, false),
                DataTypes.createStructField(PATH, DataTypes.StringType, true),
                DataTypes.createStructField(LABEL, DataTypes.StringType, true),
                DataTypes.createStructField(PROBABILITY, DataTypes.DoubleType, true),
                DataTypes.createStructField(TOP_LABELS, DataTypes.createArrayType(DataTypes.StringType, false), true),
                DataTypes.createStructField(TOP_PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType, false),
                        true),
                DataTypes.createStructField(ACCEPTED, DataTypes.BooleanType, true)));
        if (settings.embeddings()) {
            fields.add(DataTypes.createStructField(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false),
                    true));
        }
        if (settings.pixels()) {
            fields.add(DataTypes.createStructField(PIXELS, DataTypes.BinaryType, true));
        }
        fields.add(DataTypes.createStructField(MODEL, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(MODEL_VERSION, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }
}
