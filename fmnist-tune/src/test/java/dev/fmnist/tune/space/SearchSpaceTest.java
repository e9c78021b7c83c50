package dev.fmnist.tune.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.tune.space.Distribution.Categorical;
import dev.fmnist.tune.space.Distribution.FloatRange;
import dev.fmnist.tune.space.Distribution.IntRange;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    private static SearchSpace parse(String yaml) {
        return SearchSpace.parse(new StringReader(yaml), "space.yaml");
    }

    @Test
    void readsFloatsIntsAndChoicesInOrder() {
        SearchSpace space = parse("""
                lr: {type: float, low: 1e-4, high: 0.1, log: true}
                width: {type: int, low: 16, high: 64}
                augment: {type: categorical, choices: [none, "crop:2,flip"]}
                """);
        assertThat(space.parameters().keySet()).containsExactly("lr", "width", "augment");
        assertThat(space.parameters().get("lr")).isEqualTo(new FloatRange(1e-4, 0.1, true));
        assertThat(space.parameters().get("width")).isEqualTo(new IntRange(16, 64, false));
        assertThat(space.parameters().get("augment")).isEqualTo(new Categorical(List.of("none", "crop:2,flip")));
    }

    @Test
    void namesTheParameterAndWhatIsWrong() {
        assertThatThrownBy(() -> parse("lr: {type: float, low: 0.1, high: 0.01}"))
                .hasMessage("space.yaml, parameter 'lr': low (0.1) must be below high (0.01)");
        assertThatThrownBy(() -> parse("lr: {type: float, low: 0, high: 1, log: true}"))
                .hasMessage("space.yaml, parameter 'lr': a log range needs low > 0, got 0.0");
        assertThatThrownBy(() -> parse("width: {type: int, low: 1.5, high: 4}"))
                .hasMessageContaining("'low' of an int parameter must be whole");
        assertThatThrownBy(() -> parse("x: {type: normal, low: 0, high: 1}"))
                .hasMessageContaining("type must be float, int or categorical, got 'normal'");
        assertThatThrownBy(() -> parse("x: {type: float, low: 0, hihg: 1}"))
                .hasMessageContaining("unknown key 'hihg'");
        assertThatThrownBy(() -> parse("x: {type: categorical, choices: [a, a]}"))
                .hasMessageContaining("repeat a value");
        assertThatThrownBy(() -> parse("- lr")).hasMessageContaining("must map parameter names");
        assertThatThrownBy(() -> parse("lr: [unclosed")).hasMessageStartingWith("space.yaml is not valid YAML");
    }
}
