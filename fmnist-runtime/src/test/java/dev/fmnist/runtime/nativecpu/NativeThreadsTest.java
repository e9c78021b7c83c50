package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class NativeThreadsTest {

    @Test
    void theCountChangesWhileTheProcessRunsWithinWhatThePoolHas() {
        int before = NativeThreads.current();
        try {
            NativeThreads.use(1);
            assertThat(NativeThreads.current()).isEqualTo(1);
            assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(1);
            assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(1);
            NativeThreads.use(NativeThreads.available() + 5);
            assertThat(NativeThreads.current()).as("never more than the pool").isEqualTo(NativeThreads.available());
            assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(NativeThreads.available());
        } finally {
            NativeThreads.use(before);
        }
    }
}
