package dev.fmnist.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.training.ThreadSettings;
import org.junit.jupiter.api.Test;

/** What {@code doctor} says trainings will do about threads. */
class DoctorThreadsTest {

    @Test
    void eachModelWithAnEntryIsNamedBeforeTheOthers() {
        assertThat(DoctorCommand.trainingThreads(ThreadSettings.parse("resnet:2x1, cnn:1"), 2)).isEqualTo(
                "cnn: 1 thread (train.threads); resnet: 2 workers x 1 thread (data parallel) (train.threads); other "
                        + "models: auto: the first batches are timed with 1 thread, 2 threads, 2 workers x 1 thread "
                        + "(data parallel), the fastest kept");
        assertThat(DoctorCommand.trainingThreads(ThreadSettings.parse("2"), 4)).isEqualTo("2 threads (train.threads)");
        assertThat(DoctorCommand.trainingThreads(ThreadSettings.parse("auto").pinned(), 2))
                .isEqualTo("the launcher's count, fixed by the OMP_NUM_THREADS set before it");
    }
}
