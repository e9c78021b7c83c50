package dev.fmnist.eval;

import java.nio.file.Path;

/** Lets tests in sub-packages use the shared tiny run. */
public final class TinyRunAccess {

    private TinyRunAccess() {}

    public static Path run() {
        return TinyRun.get();
    }
}
