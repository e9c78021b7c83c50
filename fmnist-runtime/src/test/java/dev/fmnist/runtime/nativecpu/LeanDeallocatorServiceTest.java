package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.Deallocatable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J's deallocator service with a cheap queue pick: in place, and buffers still freed by ND4J's threads. */
class LeanDeallocatorServiceTest {

    @Test
    void itTakesNd4jsPlaceAndAnUnreachableBufferIsStillFreed() throws InterruptedException {
        assertThat(LeanDeallocatorService.install()).as("ND4J's fields are as this class expects").isTrue();
        assertThat(LeanDeallocatorService.install()).as("a second call keeps it").isTrue();
        LeanDeallocatorService service = (LeanDeallocatorService) Nd4j.getDeallocatorService();

        String id = bufferIdOfADroppedArray();
        assertThat(service.tracks(id)).isTrue();
        for (int i = 0; i < 100 && service.tracks(id); i++) {
            System.gc();
            Thread.sleep(100);
        }
        assertThat(service.tracks(id)).as("ND4J's threads took it from one of the service's queues").isFalse();
    }

    /** The unique id of the buffer of an array made and dropped here. */
    private static String bufferIdOfADroppedArray() {
        INDArray array = Nd4j.create(DataType.FLOAT, 1_000).assign(1);
        return ((Deallocatable) array.data()).getUniqueId();
    }
}
