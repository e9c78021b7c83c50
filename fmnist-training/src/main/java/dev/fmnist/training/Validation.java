package dev.fmnist.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Mean cross-entropy and accuracy of a network over a data set, from one inference pass per batch. */
public record Validation(double loss, double accuracy, int images) {

    private static final double EPSILON = 1e-7;

    public static Validation of(MultiLayerNetwork network, DataSetIterator batches) {
        batches.reset();
        double lossSum = 0;
        long correct = 0;
        int images = 0;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            INDArray probabilities = network.output(batch.getFeatures(), false);
            INDArray labels = batch.getLabels();
            INDArray clipped = Transforms.max(probabilities, EPSILON, true);
            lossSum -= Transforms.log(clipped, false).muli(labels).sumNumber().doubleValue();
            correct += Nd4j.argMax(probabilities, 1).eq(Nd4j.argMax(labels, 1)).castTo(DataType.INT)
                    .sumNumber().longValue();
            images += (int) labels.size(0);
            Release.all(probabilities, clipped, batch.getFeatures(), labels);
        }
        if (images == 0) {
            return new Validation(Double.NaN, Double.NaN, 0);
        }
        return new Validation(lossSum / images, (double) correct / images, images);
    }
}
