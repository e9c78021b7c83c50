package dev.fmnist.runtime.nativecpu;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns DL4J's oneDNN helpers on for a test class ({@code @ExtendWith(HelpersOn.class)}) and back to what they were
 * after it: the speed-ups under test replace those helpers, and the tests' JVM may have them off.
 */
final class HelpersOn implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HelpersOn.class);
    private static final String WAS_ENABLED = "wasEnabled";

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(WAS_ENABLED, LayerHelpers.enabled());
        LayerHelpers.enable(true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Boolean wasEnabled = context.getStore(NAMESPACE).remove(WAS_ENABLED, Boolean.class);
        if (wasEnabled != null) {  // null when beforeAll failed first: that failure is the one to see
            LayerHelpers.enable(wasEnabled);
        }
    }
}
