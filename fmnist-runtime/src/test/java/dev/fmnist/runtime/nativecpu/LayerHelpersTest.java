package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LayerHelpersTest {

    private boolean wasEnabled;

    @BeforeEach
    void remember() {
        wasEnabled = LayerHelpers.enabled();
    }

    @AfterEach
    void restore() {
        LayerHelpers.enable(wasEnabled);
    }

    @Test
    void statusNamesTheOneDnnBinaryAndTheHelpersANetworkGets() {
        LayerHelpers.enable(true);
        LayerHelpers.Status status = LayerHelpers.status();
        assertThat(status.nativeBinary()).contains("linux-x86_64-onednn").endsWith("libnd4jcpu.so");
        assertThat(status.oneDnn()).isTrue();
        assertThat(status.enabled()).isTrue();
        assertThat(status.activeHelpers()).containsExactly("conv: MKLDNNConvHelper", "batch-norm: MKLDNNBatchNormHelper",
                "pool: MKLDNNSubsamplingHelper");
    }

    @Test
    void turnedOffNetworksGetNoHelpers() {
        LayerHelpers.enable(false);
        assertThat(LayerHelpers.enabled()).isFalse();
        assertThat(LayerHelpers.status().activeHelpers()).isEmpty();
    }

    @Test
    void dl4jLeavesThemOffUnlessTold() {
        System.clearProperty(LayerHelpers.DISABLE_PROPERTY);
        assertThat(LayerHelpers.enabled()).isFalse();
    }
}
