package dev.fmnist.tune.storage;

import dev.fmnist.tune.Direction;

/**
 * What a study is, as stored: every worker that joins it must agree with it.
 *
 * @param metric the monitored validation metric its trials report, e.g. {@code val_accuracy}
 * @param config the study's fixed settings as the command wrote them (model, space, budget), for the report
 */
public record StudyRecord(String name, Direction direction, String metric, String config) {}
