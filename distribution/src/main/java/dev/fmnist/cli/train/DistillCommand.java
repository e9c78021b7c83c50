package dev.fmnist.cli.train;

import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.models.Distillation;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model on a teacher's soft targets (knowledge distillation): each training label mixed "
                + "with the teacher's softened probabilities for the image, so a fast network learns what a slow one "
                + "(an ensemble, usually) knows. A run like any other (continue it with fmnist train --resume); its "
                + "hyperparameters record the teacher.")
public final class DistillCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TEACHER",
            description = "The teacher: a run folder, an ensemble's folder (fmnist ensemble) or a model file.")
    Path teacher;

    @Option(names = "--model", required = true, paramLabel = "ID",
            description = "The student: the model plugin to train (see 'fmnist models').")
    String model;

    @Option(names = "--temperature", paramLabel = "T", description = "Softens the teacher's probabilities p into "
            + "p^(1/T), renormalized: softmax(logits / T) for one network (the teacher-temperature hyperparameter; "
            + "default: " + Distillation.DEFAULT_TEMPERATURE + ").")
    Double temperature;

    @Option(names = "--teacher-weight", paramLabel = "W", description = "The teacher's share of each target, in (0, 1]; "
            + "the label has the rest (the teacher-weight hyperparameter; default: " + Distillation.DEFAULT_WEIGHT
            + ").")
    Double weight;

    @Mixin
    TrainingFlags flags;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (flags.hyperparameters.containsKey(Distillation.TEACHER)) {
            throw new UserError("the teacher is " + teacher + ", the first argument; --set " + Distillation.TEACHER
                    + "= is for fmnist train");
        }
        flags.applySeed(options);
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(Distillation.TEACHER, teacher.toString());
        if (temperature != null) {
            keys.put(Distillation.TEMPERATURE, temperature.toString());
        }
        if (weight != null) {
            keys.put(Distillation.WEIGHT, weight.toString());
        }
        TrainingRequest request = flags.request(model, keys);
        TrainingEngine engine = Bootstrap.injector(options).getInstance(TrainingEngine.class);
        TrainCommand.run(engine, flags.outDir != null ? request.withRunDir(flags.outDir) : request,
                spec.commandLine().getOut());
        return 0;
    }
}
