package dev.fmnist.models.plugins;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * The class loader of one plugin: its own classes first, so two plugins may bundle different versions of a
 * library, except for the platform's packages, which always come from the platform. ND4J's native library
 * can be loaded by one class loader only, and a plugin's network must be built from the same DL4J classes
 * the platform trains with.
 */
public final class PluginClassLoader extends URLClassLoader {

    /** Packages a plugin must share with the platform, never bring its own copy of. */
    public static final List<String> PLATFORM_PACKAGES = List.of(
            "dev.fmnist.api.", "org.nd4j.", "org.deeplearning4j.", "org.bytedeco.", "org.datavec.", "org.slf4j.");

    private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    public PluginClassLoader(String name, URL[] jars, ClassLoader platform) {
        super(name, jars, platform);
    }

    public static boolean isPlatformClass(String className) {
        return PLATFORM_PACKAGES.stream().anyMatch(className::startsWith)
                || JDK_PACKAGES.stream().anyMatch(className::startsWith);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isPlatformClass(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException notInPlugin) {
                    return super.loadClass(name, resolve);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }
}
