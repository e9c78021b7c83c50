package dev.fmnist.training;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.models.Distillation;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelFileException;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A teacher's targets for every training image of a distilled run: its probabilities for each image as it is (with
 * flip averaging when the teacher is an ensemble made with it), softened by the run's temperature. Computed once per
 * training, before the run's folder is made or, resuming, once it is taken (a resumed run computes the same again:
 * the teacher and the images are the same).
 *
 * @param targets {@code classes} values per training image, in the set's order
 * @param weight  the teacher's share of each image's target
 * @param report  what the teacher is and how it did, for the run's log (written by the engine, once the caller has
 *                attached the run's log file)
 */
record TeacherTargets(float[] targets, double weight, String report) {

    private static final Logger log = LoggerFactory.getLogger(TeacherTargets.class);

    /**
     * The teacher's model file, once its manifest says that it answers the student's classes for its images: read
     * before a run folder is made, so that a wrong teacher costs nothing.
     */
    private static Path check(Distillation distillation, ImageShape shape, List<String> classNames) {
        Path file;
        ModelManifest manifest;
        try {
            file = RunDirectory.modelOf(distillation.teacher());
            manifest = ModelFile.manifest(file);
        } catch (ModelFileException e) {
            throw new TrainingException("the teacher " + distillation.teacher() + " cannot be read: " + e.getMessage(),
                    e);
        }
        if (!manifest.classNames().equals(classNames)) {
            throw new TrainingException("the teacher " + file + " answers the classes " + manifest.classNames()
                    + ", and the student learns " + classNames + ": a teacher must have been trained on the same "
                    + "classes, in the same order");
        }
        if (!manifest.imageShape().equals(shape)) {
            throw new TrainingException("the teacher " + file + " takes " + manifest.imageShape()
                    + " images, and the student's are " + shape);
        }
        return file;
    }

    /**
     * The teacher's targets of every image of {@code train}.
     *
     * @param classNames the classes the student learns, which the teacher must answer in the same order
     */
    static TeacherTargets of(Distillation distillation, LabelledImages train, ImageShape shape,
            List<String> classNames, PluginClasses classes) {
        Path file = check(distillation, shape, classNames);
        SavedModel teacher;
        try {
            teacher = ModelFile.load(file, false, classes);
        } catch (ModelFileException e) {
            throw new TrainingException("the teacher " + file + " cannot be read: " + e.getMessage(), e);
        }
        ModelManifest manifest = teacher.manifest();
        String what = manifest.ensemble() == null ? manifest.modelId()
                : "an ensemble of " + manifest.ensemble().members().size() + (manifest.flipAveraged() ? " with flips" : "");
        log.info(String.format("Asking the teacher %s (%s) about the %,d training images", file, what, train.count()));
        long started = System.nanoTime();
        Predictions predictions;
        try {
            // raw: the run's own temperature softens them
            predictions = new Predictor(teacher.network(), manifest).withCalibration(false).predictions(train);
        } catch (RuntimeException e) {
            throw new TrainingException("the teacher " + file + " failed on the training images: " + e, e);
        }
        String report = String.format("Teacher %s (%s) answered the %,d training images in %.0f s, %.2f%% of them "
                + "right; targets: its probabilities at temperature %s, weight %.2f (the label %.2f)", file, what,
                train.count(), (System.nanoTime() - started) / 1e9, predictions.accuracy() * 100,
                distillation.temperature(), distillation.weight(), 1 - distillation.weight());
        return new TeacherTargets(distillation.soften(predictions.probabilities(), classNames.size()),
                distillation.weight(), report);
    }
}
