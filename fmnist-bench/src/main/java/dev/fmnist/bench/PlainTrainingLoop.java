package dev.fmnist.bench;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Training as DL4J runs it by default: {@code net.fit} over batches built beforehand, in the engine's batch
 * order, with no listeners and no validation. The baseline the engine's rate is compared with.
 */
public final class PlainTrainingLoop {

    private PlainTrainingLoop() {}

    /** Images/s of one pass over at most {@code count} images of {@code train} with a fresh network. */
    public static double imagesPerSecond(RegisteredPlugin plugin, long seed, LabelledImages train, int count) {
        BuiltModel built = ModelBuilder.build(plugin, seed, train.classNames().size(), train.shape(), Map.of());
        Network network = built.network();
        ImageBatchIterator iterator = ImageBatchIterator.shuffled(train, plugin.plugin().inputLayout(),
                Normalization.scale(), ModelBuilder.batchSize(built.hyperparameters()), seed);
        List<DataSet> batches = new ArrayList<>();
        int images = 0;
        while (iterator.hasNext() && images < count) {
            DataSet batch = iterator.next();
            batches.add(batch);
            images += batch.numExamples();
        }
        long started = System.nanoTime();
        for (DataSet batch : batches) {
            network.fit(batch);
        }
        return images / ((System.nanoTime() - started) / 1e9);
    }
}
