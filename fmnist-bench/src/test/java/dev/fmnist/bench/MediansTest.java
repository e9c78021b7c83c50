package dev.fmnist.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediansTest {

    @Test
    void theMiddleValueOfAnOddCountTheMeanOfTheTwoMiddleOnesOfAnEvenCount() {
        assertThat(Medians.of(new double[] {9, 1, 5})).isEqualTo(5);
        assertThat(Medians.of(new double[] {40, 10, 30, 20})).isEqualTo(25);
        assertThat(Medians.of(new double[] {7})).isEqualTo(7);
    }

    @Test
    void oneSlowRoundDoesNotMoveItAndTheCallersArrayStaysInItsOrder() {
        double[] rounds = {1_000, 980, 20, 1_010, 990};

        assertThat(Medians.of(rounds)).isEqualTo(990);
        assertThat(rounds).containsExactly(1_000, 980, 20, 1_010, 990);
    }
}
