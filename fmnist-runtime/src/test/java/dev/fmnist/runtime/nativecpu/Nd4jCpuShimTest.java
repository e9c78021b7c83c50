package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.junit.jupiter.api.Test;

/**
 * Keeps the compatibility class {@link org.nd4j.nativeblas.Nd4jCpu} honest: it is needed only while DL4J
 * asks for the old name, it must be the only class of that name, and with it DL4J finds oneDNN.
 */
class Nd4jCpuShimTest {

    private static final String SHIM = "org/nd4j/nativeblas/Nd4jCpu.class";

    @Test
    void dl4jStillLooksUpTheOldEnvironmentClass() throws IOException {
        String helper = classText(BaseMKLDNNHelper.class);
        assertThat(helper)
                .as("DL4J's BaseMKLDNNHelper changed its oneDNN check: if it no longer names this class and method, "
                        + "delete org.nd4j.nativeblas.Nd4jCpu from fmnist-runtime")
                .contains("org.nd4j.nativeblas.Nd4jCpu$Environment")
                .contains("isUseMKLDNN");
    }

    @Test
    void theShimIsTheOnlyClassOfThatName() throws IOException {
        List<URL> found = Collections.list(getClass().getClassLoader().getResources(SHIM));
        assertThat(found).as("ND4J ships a class of that name again: delete the shim").hasSize(1);
        assertThat(found.get(0).toString()).contains("fmnist-runtime");
    }

    @Test
    void dl4jFindsOneDnnThroughTheShim() {
        assertThat(LayerHelpers.oneDnnInBinary()).as("the -onednn libnd4j binary is loaded").isTrue();
        boolean wasEnabled = LayerHelpers.enabled();
        try {
            LayerHelpers.enable(true);
            assertThat(BaseMKLDNNHelper.mklDnnEnabled()).isTrue();
        } finally {
            LayerHelpers.enable(wasEnabled);
        }
    }

    /** The class file as Latin-1 text, where its constant pool's strings can be searched. */
    private static String classText(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
