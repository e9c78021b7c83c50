package dev.fmnist.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.server.inference.InferenceRequest;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The protocol's request parsing a stranger feeds (JSON, and JSON followed by binary tensor data), fuzzed: any
 * body and header end in rows for the model or the protocol's own 400; anything else (a runtime exception of
 * the JSON parser, an out-of-memory from a claimed size) is a crash. {@code mvn verify} fuzzes it for a bounded
 * time (the {@code fuzz} execution of this module's POM); other test runs replay the corpus in
 * {@code src/test/resources/dev/fmnist/server/http/InferenceRequestFuzzTestInputs/}.
 */
@Tag("dataset")
class InferenceRequestFuzzTest {

    private static Predictor predictor;

    @BeforeAll
    static void model() {
        predictor = Predictor.load(new RunDirectory(TestModels.mlp()).model());
    }

    // bounded by executions, not time: libFuzzer ends a timed run from its SIGALRM handler, which deadlocked the
    // image decoding's fuzz run once (the signal came while native code held a lock); the duration
    // is only a backstop far above what the executions take (about 60 s here)
    @FuzzTest(maxExecutions = 2_500_000L, maxDuration = "15m")
    void anyRequestBecomesModelRowsOrAProtocolError(FuzzedDataProvider data) {
        String header = data.consumeBoolean() ? data.consumeAsciiString(8) : null;
        byte[] body = data.consumeRemainingAsBytes();
        try {
            InferenceRequest request = OipJson.parse(Buffer.buffer(body), header, predictor.encoder(), 64);
            assertThat(request.input().rows()).hasSize(request.input().count() * predictor.encoder().pixels());
        } catch (ServingError expected) {
            assertThat(expected.kind()).as(expected.getMessage()).isIn(ServingError.Kind.INVALID_INPUT,
                    ServingError.Kind.TOO_LARGE);
        }
    }
}
