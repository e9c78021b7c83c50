package dev.fmnist.runtime.nativecpu;

import java.lang.ref.ReferenceQueue;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.memory.Deallocatable;
import org.nd4j.linalg.api.memory.deallocation.DeallocatableReference;
import org.nd4j.linalg.api.memory.deallocation.DeallocatorService;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compatibility class for ND4J M2.1 on the commons-lang3 the platform ships (3.20, which Commons Configuration
 * brings): ND4J registers every buffer it allocates outside a workspace (an op's shape information, a result) with
 * its {@link DeallocatorService}, which picks one of its reference queues with {@code RandomUtils.nextInt}, and
 * since commons-lang3 3.16 that builds a new {@code SecureRandom} on every call: 5% of the cnn's batch-1 forward pass
 * in JFR's samples (docs/BENCHMARKS.md). This service is ND4J's class (queues and threads of its own, made by ND4J's
 * constructor) picking the queue with {@link ThreadLocalRandom}, and it goes on counting the ids of the service it
 * replaces, so a buffer given its id by that one just before the swap cannot share it with one given an id after.
 * {@code LeanDeallocatorServiceTest} fails the day ND4J's fields change.
 */
public final class LeanDeallocatorService extends DeallocatorService {

    private static final Logger LOG = LoggerFactory.getLogger(LeanDeallocatorService.class);

    private final List<List<ReferenceQueue<Deallocatable>>> deviceMap;
    private final Map<String, DeallocatableReference> referenceMap;
    private final boolean noPointerGc;
    private final AtomicLong ids;

    @SuppressWarnings("unchecked")
    private LeanDeallocatorService(DeallocatorService previous) throws ReflectiveOperationException {
        deviceMap = (List<List<ReferenceQueue<Deallocatable>>>) field(this, "deviceMap");
        referenceMap = (Map<String, DeallocatableReference>) field(this, "referenceMap");
        noPointerGc = (Boolean) field(this, "noPointerGc");
        ids = (AtomicLong) field(previous == null ? this : previous, "counter");
    }

    private static Object field(DeallocatorService service, String name) throws ReflectiveOperationException {
        Field field = DeallocatorService.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(service);
    }

    /** A service in place of {@code previous} (none: the first), counting on from its ids. */
    static LeanDeallocatorService replacing(DeallocatorService previous) throws ReflectiveOperationException {
        return new LeanDeallocatorService(previous);
    }

    /**
     * Makes this ND4J's service for the buffers allocated from now on (those before stay with the service that took
     * them, whose threads go on freeing them); false, with ND4J's left in place, when its fields are not as expected.
     */
    public static boolean install() {
        synchronized (Nd4j.class) { // Nd4j.getDeallocatorService() creates its service under this lock
            try {
                Field service = Nd4j.class.getDeclaredField("deallocatorService");
                service.setAccessible(true);
                Object previous = service.get(null);
                if (!(previous instanceof LeanDeallocatorService)) {
                    service.set(null, replacing((DeallocatorService) previous));
                }
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("ND4J's deallocator service kept: {}", e.toString());
                return false;
            }
        }
    }

    /** Whether the buffer of this id waits for the garbage collector here. */
    boolean tracks(String uniqueId) {
        return referenceMap.containsKey(uniqueId);
    }

    @Override
    public long nextValue() {
        return ids.incrementAndGet();
    }

    @Override
    public void pickObject(Deallocatable deallocatable) {
        if (noPointerGc) {
            return; // as ND4J's: nothing is freed for the garbage collector when that was turned off
        }
        List<ReferenceQueue<Deallocatable>> queues = deviceMap.get(deallocatable.targetDevice());
        ReferenceQueue<Deallocatable> queue = queues.get(ThreadLocalRandom.current().nextInt(queues.size()));
        referenceMap.put(deallocatable.getUniqueId(), new DeallocatableReference(deallocatable, queue));
    }
}
