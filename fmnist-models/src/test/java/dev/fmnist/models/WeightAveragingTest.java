package dev.fmnist.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WeightAveragingTest {

    @Test
    void specsParseToTheirCanonicalSpelling() {
        assertThat(WeightAveraging.parse("none").isNone()).isTrue();
        assertThat(WeightAveraging.parse("EMA")).hasToString("ema:0.999");
        assertThat(WeightAveraging.parse("ema:0.9995").decay()).isEqualTo(0.9995);
        assertThat(WeightAveraging.parse("swa")).hasToString("swa");
        assertThat(WeightAveraging.parse("swa:20")).hasToString("swa:20");
        assertThat(WeightAveraging.parse(WeightAveraging.parse("ema:0.99").toString()).decay()).isEqualTo(0.99);
    }

    @Test
    void theEmaDecayStartsLowAndReachesTheGivenOne() {
        WeightAveraging ema = WeightAveraging.parse("ema:0.999");
        assertThat(ema.decayAt(0)).isEqualTo(0.1);
        assertThat(ema.decayAt(90)).isEqualTo(0.91);
        assertThat(ema.decayAt(1_000_000)).isEqualTo(0.999);
    }

    @Test
    void swaStartsInTheLastQuarterUnlessToldOtherwise() {
        assertThat(WeightAveraging.parse("swa").startIn(27)).isEqualTo(22);
        assertThat(WeightAveraging.parse("swa").startIn(4)).isEqualTo(4);
        assertThat(WeightAveraging.parse("swa").startIn(1)).isEqualTo(1);
        assertThat(WeightAveraging.parse("swa:5").startIn(27)).isEqualTo(5);
    }

    @Test
    void badSpecsSayWhatIsAccepted() {
        assertThatThrownBy(() -> WeightAveraging.parse("ema:x")).hasMessage("average 'ema:x': 'x' is not a number; "
                + "use none, ema, ema:DECAY (such as ema:0.999), swa or swa:EPOCH (the first epoch averaged)");
        assertThatThrownBy(() -> WeightAveraging.parse("ema:1")).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> WeightAveraging.parse("swa:0")).hasMessageContaining("1 or more, got 0");
        assertThatThrownBy(() -> WeightAveraging.parse("none:3")).hasMessageContaining("is not known");
    }
}
