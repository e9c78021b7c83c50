package dev.fmnist.data.split;

import dev.fmnist.api.data.LabelledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Holds out the same share of every class for validation, chosen by a seeded shuffle: the same seed
 * gives the same split on every machine (java.util.Random's sequence is specified), so runs compare
 * on identical data.
 */
public final class StratifiedSplitter {

    private StratifiedSplitter() {}

    public static TrainValidationSplit split(LabelledImages images, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0,1), got " + validationFraction);
        }
        int classes = images.classNames().size();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < images.count(); i++) {
            byClass.get(images.label(i)).add(i);
        }
        Random random = new Random(seed);
        int[] train = new int[images.count()];
        int[] validation = new int[images.count()];
        int trainCount = 0;
        int validationCount = 0;
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, random);
            int held = (int) Math.round(members.size() * validationFraction);
            for (int i = 0; i < members.size(); i++) {
                if (i < held) {
                    validation[validationCount++] = members.get(i);
                } else {
                    train[trainCount++] = members.get(i);
                }
            }
        }
        int[] trainIndices = Arrays.copyOf(train, trainCount);
        int[] validationIndices = Arrays.copyOf(validation, validationCount);
        Arrays.sort(trainIndices);
        Arrays.sort(validationIndices);
        return new TrainValidationSplit(trainIndices, validationIndices);
    }
}
