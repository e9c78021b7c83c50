package dev.fmnist.cli.tune;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which study {@code tune report} and {@code tune best} read: its folder, and where it is stored if not there. */
final class StudyOptions {

    @Parameters(paramLabel = "STUDY_DIR", description = "The study folder (runs/tune/<study>).")
    Path dir;

    @Option(names = "--study", paramLabel = "NAME", description = "The study (default: the storage's only one).")
    String study;

    @Option(names = "--storage", paramLabel = "URL", description = "The study's JDBC URL (default: STUDY_DIR/study.db).")
    String storage;

    StudyFolder open() {
        return StudyFolder.open(dir, study, storage);
    }
}
