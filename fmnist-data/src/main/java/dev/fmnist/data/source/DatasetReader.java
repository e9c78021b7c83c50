package dev.fmnist.data.source;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.DataException;
import dev.fmnist.data.idx.IdxImages;
import dev.fmnist.data.idx.IdxLabels;
import dev.fmnist.data.idx.IdxReader;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the four IDX files of a located dataset into memory and checks them against each other and
 * against their pinned checksums. A checksum mismatch is logged, not fatal: a team may point
 * {@code data.dir} at its own images in the same format.
 */
public final class DatasetReader {

    private static final Logger log = LoggerFactory.getLogger(DatasetReader.class);

    private final DatasetFiles files;
    private final List<String> classNames;

    public DatasetReader(DatasetFiles files, List<String> classNames) {
        this.files = files;
        this.classNames = List.copyOf(classNames);
    }

    public LoadedDataset read(DatasetLocation location) {
        long started = System.nanoTime();
        ReadPair train = pair(location.folder(), files.trainImages(), files.trainLabels());
        ReadPair test = pair(location.folder(), files.testImages(), files.testLabels());
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<FileCheck> checks = List.of(train.imagesCheck(), train.labelsCheck(), test.imagesCheck(),
                test.labelsCheck());
        for (FileCheck check : checks) {
            if (!check.verified()) {
                log.warn("{}: content does not match the published Fashion-MNIST file: {}", check.path(),
                        check.status());
            }
        }
        return new LoadedDataset(location, train.images(), test.images(), checks, millis);
    }

    private record ReadPair(LabelledImages images, FileCheck imagesCheck, FileCheck labelsCheck) {}

    private ReadPair pair(Path folder, DatasetFile imagesFile, DatasetFile labelsFile) {
        Path imagesPath = imagesFile.in(folder)
                .orElseThrow(() -> new DataException(folder + ": missing " + imagesFile.gzName()));
        Path labelsPath = labelsFile.in(folder)
                .orElseThrow(() -> new DataException(folder + ": missing " + labelsFile.gzName()));
        IdxImages images = IdxReader.readImages(imagesPath);
        IdxLabels labels = IdxReader.readLabels(labelsPath);
        if (images.count() != labels.count()) {
            throw new DataException(imagesPath + " holds " + images.count() + " images but " + labelsPath + " holds "
                    + labels.count() + " labels; they must be a pair");
        }
        byte[] labelBytes = labels.labels();
        for (int i = 0; i < labelBytes.length; i++) {
            int label = Byte.toUnsignedInt(labelBytes[i]);
            if (label >= classNames.size()) {
                throw new DataException(labelsPath + ": label " + label + " at index " + i + " is not one of the "
                        + classNames.size() + " classes (0.." + (classNames.size() - 1) + ")");
            }
        }
        LabelledImages set = new LabelledImages(new ImageShape(1, images.rows(), images.columns()), images.pixels(),
                labelBytes, classNames);
        return new ReadPair(set, new FileCheck(imagesFile, imagesPath, images.sha256()),
                new FileCheck(labelsFile, labelsPath, labels.sha256()));
    }
}
