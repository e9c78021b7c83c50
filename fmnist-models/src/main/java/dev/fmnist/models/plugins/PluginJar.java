package dev.fmnist.models.plugins;

import dev.fmnist.api.ApiVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Checks of one plugin JAR made before any of its code runs. */
final class PluginJar {

    private PluginJar() {}

    /**
     * Why the JAR cannot be loaded, if it cannot: not a JAR, bundles platform classes, does not say which SPI
     * it was built against, or was built against an incompatible one.
     */
    static Optional<String> refusal(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class")) {
                    String className = name.replace('/', '.');
                    for (String platformPackage : PluginClassLoader.PLATFORM_PACKAGES) {
                        if (className.startsWith(platformPackage)) {
                            return Optional.of("bundles " + platformPackage + "* classes (" + name + "); the platform "
                                    + "provides them: give those dependencies <scope>provided</scope>");
                        }
                    }
                }
            }
            Manifest manifest = file.getManifest();
            String built = manifest == null ? null
                    : manifest.getMainAttributes().getValue(new Attributes.Name(ApiVersion.MANIFEST_ATTRIBUTE));
            if (built == null) {
                return Optional.of("states no " + ApiVersion.MANIFEST_ATTRIBUTE + " in its manifest, so the platform "
                        + "cannot tell which SPI it was built for; add it (this platform provides "
                        + ApiVersion.current() + ", see docs/PLUGINS.md)");
            }
            Optional<String> incompatibility = ApiVersion.incompatibility(built);
            if (incompatibility.isPresent()) {
                return incompatibility;
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("is not a readable JAR file (" + e.getMessage() + ")");
        }
    }
}
