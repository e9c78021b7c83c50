package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.runtime.search.HnswSearch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's JVM-wide deserialization filter lets a real index graph through and nothing else. */
class LauncherSerialFilterTest {

    @TempDir
    Path dir;

    private static ObjectInputFilter launcherFilter() throws IOException {
        String launcher = Files.readString(Path.of("src/main/dist/bin/fmnist"));
        Matcher pattern = Pattern.compile("serial_filter='([^']+)'").matcher(launcher);
        assertThat(pattern.find()).as("the launcher sets serial_filter").isTrue();
        assertThat(launcher).contains("\"-Djdk.serialFilter=$serial_filter\"");
        return ObjectInputFilter.Config.createFilter(pattern.group(1));
    }

    private static Object read(byte[] bytes, ObjectInputFilter filter) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        }
    }

    @Test
    void aGraphTheIndexWritesIsReadAndOtherClassesAreRefused() throws Exception {
        ObjectInputFilter filter = launcherFilter();
        Random random = new Random(3);
        float[] embeddings = new float[200 * 8];
        for (int i = 0; i < embeddings.length; i++) {
            embeddings[i] = random.nextFloat() - 0.5f;
        }
        Path graph = dir.resolve("hnsw.bin");
        HnswSearch.build(embeddings, 8, 16, 100, 50).save(graph);
        assertThat(read(Files.readAllBytes(graph), filter).getClass().getName())
                .isEqualTo("com.github.jelmerk.hnswlib.core.hnsw.HnswIndex");

        ByteArrayOutputStream map = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(map)) {
            out.writeObject(new HashMap<>(java.util.Map.of("a", 1)));
        }
        assertThatThrownBy(() -> read(map.toByteArray(), filter)).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");

        ByteArrayOutputStream array = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(array)) {
            out.writeObject(new Integer[100_000]);
        }
        assertThatThrownBy(() -> read(array.toByteArray(), filter)).isInstanceOf(InvalidClassException.class);
    }
}
