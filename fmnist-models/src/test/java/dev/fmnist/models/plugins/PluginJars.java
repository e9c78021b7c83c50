package dev.fmnist.models.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Compiles small plugin classes with the JDK's compiler and packs them into real plugin JARs. */
public final class PluginJars {

    private PluginJars() {}

    /** A model plugin's source: a one-layer network; it may throw in its constructor or build. */
    public static String modelPlugin(String className, String id, String constructorBody, String buildPrefix) {
        return """
                package test.plugins;

                import dev.fmnist.api.*;
                import java.util.Map;
                import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
                import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
                import org.deeplearning4j.nn.conf.inputs.InputType;
                import org.deeplearning4j.nn.conf.layers.OutputLayer;
                import org.nd4j.linalg.activations.Activation;
                import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

                public class %1$s implements ModelPlugin {
                    public %1$s() { %3$s }
                    public String id() { return "%2$s"; }
                    public String description() { return "softmax regression from a JAR"; }
                    public InputLayout inputLayout() { return InputLayout.FLAT; }
                    public Map<String, String> defaultHyperparameters() { return Map.of("batch-size", "32"); }
                    public MultiLayerConfiguration build(ModelSpec spec) {
                        %4$s
                        return new NeuralNetConfiguration.Builder().seed(spec.seed()).list()
                                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses())
                                        .activation(Activation.SOFTMAX).build())
                                .setInputType(InputType.feedForward(spec.inputShape().pixels())).build();
                    }
                }
                """.formatted(className, id, constructorBody, buildPrefix);
    }

    /**
     * Compiles {@code sources} (simple class name to source, package {@code test.plugins}) and writes a JAR
     * listing {@code services} as model plugins, with the given manifest attributes and extra entries.
     */
    public static Path jar(Path jar, Map<String, String> sources, List<String> services,
            Map<String, String> manifestAttributes, Map<String, byte[]> extraEntries) {
        try {
            Path classes = Files.createTempDirectory("plugin-classes");
            compile(sources, classes);
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifestAttributes.forEach((k, v) -> manifest.getMainAttributes().put(new Attributes.Name(k), v));
            Files.createDirectories(jar.getParent());
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                    Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    put(out, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
                if (!services.isEmpty()) {
                    put(out, "META-INF/services/dev.fmnist.api.ModelPlugin",
                            (String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
                }
                for (Map.Entry<String, byte[]> entry : extraEntries.entrySet()) {
                    put(out, entry.getKey(), entry.getValue());
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(JarOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(content);
        out.closeEntry();
    }

    private static void compile(Map<String, String> sources, Path classes) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, source) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///test/plugins/" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }));
        List<String> options = List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                "-proc:none", "-nowarn");
        StringBuilder errors = new StringBuilder();
        boolean ok = compiler.getTask(new java.io.StringWriter() {
            @Override
            public void write(String text) {
                errors.append(text);
            }
        }, null, d -> errors.append(d).append('\n'), options, null, units).call();
        if (!ok) {
            throw new AssertionError("test plugin did not compile:\n" + errors);
        }
    }

    /** Writes bytes that are not a ZIP archive under a .jar name. */
    public static Path notAJar(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("this is not a zip archive".getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
