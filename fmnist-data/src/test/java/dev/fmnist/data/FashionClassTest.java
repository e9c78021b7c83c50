package dev.fmnist.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FashionClassTest {

    @Test
    void fashionClassesInLabelOrder() {
        assertThat(FashionClass.displayNames()).containsExactly("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        assertThat(FashionClass.ofLabel(9)).isEqualTo(FashionClass.ANKLE_BOOT);
        assertThatThrownBy(() -> FashionClass.ofLabel(10)).hasMessageContaining("label 10 is not a Fashion-MNIST class");
    }
}
