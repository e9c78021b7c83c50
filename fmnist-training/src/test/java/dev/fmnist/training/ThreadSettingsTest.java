package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadSettingsTest {

    private static final Parallelism TWO_WORKERS = new Parallelism(2, 1);

    @Test
    void eachModelTrainsWithItsOwnEntryAndTheRestWithTheBareSetting() {
        ThreadSettings settings = ThreadSettings.parse(" cnn:1, resnet : 2x1 ,4");
        assertThat(settings.forModel("cnn")).isEqualTo(TrainingThreads.fixed(1));
        assertThat(settings.forModel("resnet")).isEqualTo(TrainingThreads.fixed(TWO_WORKERS));
        assertThat(settings.forModel("deep-cnn")).isEqualTo(TrainingThreads.fixed(4));
        assertThat(ThreadSettings.parse("deep-cnn:2x1").forModel("mlp")).as("others are auto unless given")
                .isEqualTo(TrainingThreads.auto());
        assertThat(ThreadSettings.parse("auto")).isEqualTo(ThreadSettings.of(TrainingThreads.auto()));
        assertThat(ThreadSettings.parse("my.plugin_2:auto, 1").forModel("my.plugin_2")).isEqualTo(TrainingThreads.auto());
    }

    @Test
    void theTextReadsBackAsTheSameSettings() {
        for (String text : new String[] {"auto", "2", "2x1", "cnn:1", "cnn:1, resnet:2x1", "cnn:auto, resnet:2x1, 1"}) {
            assertThat(ThreadSettings.parse(text).text()).isEqualTo(text);
        }
        assertThat(ThreadSettings.parse("resnet:2x1, cnn:1, auto").text()).as("entries in id order, auto left out")
                .isEqualTo("cnn:1, resnet:2x1");
    }

    @Test
    void withSetsOneModelAndKeepsTheOthers() {
        ThreadSettings settings = ThreadSettings.parse("cnn:2, 1").with("cnn", TrainingThreads.fixed(1))
                .with("vgg", TrainingThreads.fixed(TWO_WORKERS));
        assertThat(settings.models()).isEqualTo(Map.of("cnn", TrainingThreads.fixed(1), "vgg",
                TrainingThreads.fixed(TWO_WORKERS)));
        assertThat(settings.others()).isEqualTo(TrainingThreads.fixed(1));
    }

    @Test
    void anOmpNumThreadsSetByHandTurnsOnlyWhatIsAutoIntoTheLaunchersCount() {
        ThreadSettings pinned = ThreadSettings.parse("cnn:1, resnet:auto").pinned();
        assertThat(pinned.forModel("cnn")).isEqualTo(TrainingThreads.fixed(1));
        assertThat(pinned.forModel("resnet")).isEqualTo(TrainingThreads.inherit());
        assertThat(pinned.forModel("mlp")).isEqualTo(TrainingThreads.inherit());
    }

    @Test
    void aWrongEntryIsNamed() {
        assertThatThrownBy(() -> ThreadSettings.parse("cnn:1, 2, auto")).hasMessage("'cnn:1, 2, auto' has two "
                + "settings for the other models ('2' and 'auto'): give one, and MODEL:SETTING for the rest");
        assertThatThrownBy(() -> ThreadSettings.parse("cnn:1, cnn:2")).hasMessage("'cnn:1, cnn:2' names cnn twice");
        assertThatThrownBy(() -> ThreadSettings.parse("Deep CNN:1")).hasMessage("'Deep CNN:1' does not start with a "
                + "model id (lower-case letters, digits, '.', '_' or '-') before its ':'");
        assertThatThrownBy(() -> ThreadSettings.parse("cnn:0")).hasMessage("'0' is neither auto, a number of threads "
                + "(1 or more), nor WxT (W data-parallel workers of T threads, e.g. 2x1)");
        assertThatThrownBy(() -> ThreadSettings.parse("cnn:1,")).hasMessageContaining("'' is neither auto");
    }

    @Test
    void aLaterCandidateIsChosenOnlyWhenClearlyFaster() {
        assertThat(Parallelism.fastest(new double[] {100, 104, 103})).as("within 5%: the first").isZero();
        assertThat(Parallelism.fastest(new double[] {100, 106, 110})).isEqualTo(1);
        assertThat(Parallelism.fastest(new double[] {100, 106, 112})).isEqualTo(2);
        assertThat(Parallelism.fastest(new double[] {100, 90, 120})).isEqualTo(2);
        assertThat(Parallelism.fastest(new double[] {7})).isZero();
    }
}
