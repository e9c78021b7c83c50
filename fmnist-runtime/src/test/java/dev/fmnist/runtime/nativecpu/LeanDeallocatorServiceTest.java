package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.Deallocatable;
import org.nd4j.linalg.api.memory.deallocation.DeallocatorService;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J's deallocator service with a cheap queue pick: in place, and buffers still freed by ND4J's threads. */
class LeanDeallocatorServiceTest {

    @Test
    void itTakesNd4jsPlaceOnceAndAnUnreachableBufferIsStillFreed() throws InterruptedException {
        assertThat(LeanDeallocatorService.install()).as("ND4J's fields are as this class expects").isTrue();
        DeallocatorService installed = Nd4j.getDeallocatorService();
        assertThat(installed).isInstanceOf(LeanDeallocatorService.class);
        assertThat(LeanDeallocatorService.install()).isTrue();
        assertThat(Nd4j.getDeallocatorService()).as("a second call keeps it").isSameAs(installed);

        LeanDeallocatorService service = (LeanDeallocatorService) installed;
        String id = bufferIdOfADroppedArray();
        assertThat(service.tracks(id)).isTrue();
        for (int i = 0; i < 100 && service.tracks(id); i++) {
            System.gc();
            Thread.sleep(100);
        }
        assertThat(service.tracks(id)).as("ND4J's threads took it from one of the service's queues").isFalse();
    }

    @Test
    void idsGoOnFromTheServiceItReplaces() throws ReflectiveOperationException {
        DeallocatorService nd4js = new DeallocatorService();
        for (int i = 0; i < 1_000; i++) {
            nd4js.nextValue();
        }
        LeanDeallocatorService lean = LeanDeallocatorService.replacing(nd4js);
        assertThat(lean.nextValue()).as("no id given twice across the swap").isEqualTo(1_001);
        assertThat(nd4js.nextValue()).isEqualTo(1_002);
    }

    /** The unique id of the buffer of an array made and dropped here. */
    private static String bufferIdOfADroppedArray() {
        INDArray array = Nd4j.create(DataType.FLOAT, 1_000).assign(1);
        return ((Deallocatable) array.data()).getUniqueId();
    }
}
