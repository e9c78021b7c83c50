package dev.fmnist.server;

import dev.fmnist.runtime.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's models folder ({@code serve --models-dir}): the run folders it serves by name, and the one check of
 * what a load request may name in it. Listed again on each repository call (index, load, unload; never on an
 * inference): a team drops a run in, or a training writes its model into a run folder that already existed, and the
 * next call sees it; a listing is one directory read and a stat per run.
 */
final class ModelsFolder {

    private static final Logger log = LoggerFactory.getLogger(ModelsFolder.class);

    private final Path path;

    ModelsFolder(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * Its sub-folders holding a model, by name, in name order.
     *
     * @throws IllegalArgumentException when it is not a folder
     */
    Map<String, ModelSource> runs() {
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("no models folder at " + path);
        }
        Map<String, ModelSource> runs = new TreeMap<>();
        try (Stream<Path> children = Files.list(path)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (Files.isDirectory(child) && new RunDirectory(child).hasModel()) {
                    if (!reallyInside(path, child)) {
                        log.warn("Run folder {} is not served: it is a symbolic link out of the models folder", child);
                    } else if (ModelSource.isValidName(name)) {
                        runs.put(name, new ModelSource(name, child));
                    } else {
                        log.warn("Run folder {} is not served: its name is not a model name ({})", child,
                                ModelSource.NAME_RULE);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the models folder " + path + ": " + e.getMessage(), e);
        }
        return runs;
    }

    /**
     * A run or index a load request names: a folder of the models folder, by name or by a path relative to it.
     * Whatever leaves it (an absolute path, {@code ..}, a symbolic link out) gets one and the same sentence whether
     * or not it exists, so a client learns nothing of the rest of the disk.
     *
     * @throws RepositoryException for a path out of the folder
     */
    Path confined(String requested) {
        RepositoryException outside = new RepositoryException("'" + requested
                + "' is not in the models folder; name a run folder of it, such as 'cnn-20261124-101500'", false);
        Path root = path.toAbsolutePath().normalize();
        Path candidate;
        try {
            if (Path.of(requested).isAbsolute()) {
                throw outside;
            }
            candidate = root.resolve(requested).normalize();
        } catch (InvalidPathException e) {
            throw outside;
        }
        if (!candidate.startsWith(root) || candidate.equals(root) || !reallyInside(root, candidate)) {
            throw outside;
        }
        try {
            // the real path: a link swapped in after this check is not followed
            return Files.exists(candidate) ? candidate.toRealPath() : candidate;
        } catch (IOException e) {
            throw outside;
        }
    }

    /**
     * Whether {@code path} is in {@code root} once symbolic links are followed: for a path that does not exist
     * (yet), its nearest existing ancestor, since a link on the way may lead out.
     */
    private static boolean reallyInside(Path root, Path path) {
        Path existing = path.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        try {
            return existing != null && existing.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
