package dev.fmnist.spark.score;

import dev.fmnist.image.ImageInputException;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.predict.ClassProbability;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.predict.Predictor.PredictionsAndEmbeddings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Scores one partition of {@code (id, path, content)} rows lazily, {@code batchSize} images at a time: each file
 * is converted as every image input of the platform is ({@link ImagePreprocessor}), the readable ones go through
 * the model in one forward pass, and a file that cannot be used becomes a row with its error.
 */
public final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final ScoreSettings settings;

    public PartitionScorer(ScoreSettings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Iterator<>() {
            private final ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessor.DEFAULT_MAX_PIXELS);
            private Iterator<Row> scored = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!scored.hasNext() && input.hasNext()) {
                    scored = scoreBatch(input, preprocessor).iterator();
                }
                return scored.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.next();
            }
        };
    }

    /** One converted file, or why it could not be converted. */
    private record Converted(String id, String path, byte[] pixels, String error) {}

    private List<Row> scoreBatch(Iterator<Row> input, ImagePreprocessor preprocessor) {
        List<Converted> batch = new ArrayList<>(settings.batchSize());
        while (batch.size() < settings.batchSize() && input.hasNext()) {
            batch.add(convert(input.next(), preprocessor));
        }
        List<byte[]> images = batch.stream().filter(c -> c.error() == null).map(Converted::pixels).toList();
        Predictor predictor = Predictors.borrow(settings.modelFile());
        try {
            // with embeddings, both from one forward pass
            PredictionsAndEmbeddings scored = images.isEmpty() ? new PredictionsAndEmbeddings(List.of(), null)
                    : settings.embeddings() ? predictor.predictAndEmbed(images, settings.topK())
                    : new PredictionsAndEmbeddings(predictor.predict(images, settings.topK()), null);
            List<Prediction> predictions = scored.predictions();
            float[][] embeddings = scored.embeddings();
            String model = predictor.manifest().modelId();
            Optional<Acceptance> acceptance = predictor.acceptance();
            List<Row> rows = new ArrayList<>(batch.size());
            int next = 0;
            for (Converted image : batch) {
                if (image.error() != null) {
                    rows.add(row(image, model, null, null, acceptance));
                } else {
                    rows.add(row(image, model, predictions.get(next), embeddings == null ? null : embeddings[next],
                            acceptance));
                    next++;
                }
            }
            return rows;
        } finally {
            Predictors.giveBack(settings.modelFile(), predictor);
        }
    }

    private static Converted convert(Row row, ImagePreprocessor preprocessor) {
        String id = row.getString(0);
        String path = row.isNullAt(1) ? null : row.getString(1);
        if (row.isNullAt(2)) {
            return new Converted(id, path, null, "no image bytes");
        }
        byte[] content = (byte[]) row.get(2);
        try {
            return new Converted(id, path, preprocessor.pixels(content, path != null ? path : id), null);
        } catch (ImageInputException e) {
            return new Converted(id, path, null, e.getMessage());
        } catch (RuntimeException e) {
            // an image decoder's own failure on a damaged file is that file's problem, not the job's
            return new Converted(id, path, null, "cannot decode " + (path != null ? path : id) + ": " + e);
        }
    }

    private Row row(Converted image, String model, Prediction prediction, float[] embedding,
            Optional<Acceptance> acceptance) {
        List<Object> values = new ArrayList<>(12);
        values.add(image.id());
        values.add(image.path());
        if (prediction == null) {
            values.addAll(Arrays.asList(null, null, null, null, null));
        } else {
            values.add(prediction.best().label());
            values.add(prediction.best().probability());
            values.add(seq(prediction.top().stream().map(ClassProbability::label).toList()));
            values.add(seq(prediction.top().stream().map(ClassProbability::probability).toList()));
            values.add(acceptance.map(a -> a.accepts(prediction.best().probability())).orElse(null));
        }
        if (settings.embeddings()) {
            values.add(embedding == null ? null : boxed(embedding));
        }
        if (settings.pixels()) {
            values.add(image.pixels());
        }
        values.add(model);
        values.add(settings.modelVersion());
        values.add(image.error());
        return RowFactory.create(values.toArray());
    }

    private static Seq<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return seq(list);
    }

    /** Spark's row encoder takes arrays as Scala sequences. */
    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }
}
