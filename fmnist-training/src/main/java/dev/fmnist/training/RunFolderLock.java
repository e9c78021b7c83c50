package dev.fmnist.training;

import dev.fmnist.runtime.run.RunDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One training at a time in a run folder: an OS lock on its {@code run.lock}, held while the run trains. Checking
 * that a folder holds no run and then creating it leaves a window in which two trainings both pass and overwrite
 * each other's checkpoints; the lock closes it, across processes (and threads of one process).
 */
public final class RunFolderLock implements AutoCloseable {

    static final String FILE = "run.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * The folder of a new run, which must hold none yet: checked under the lock, so of two trainings started into
     * one folder, one trains and the other is refused.
     *
     * @throws TrainingException when another training holds the folder, or it holds a run already
     */
    static RunFolderLock takeEmpty(RunDirectory dir) {
        RunFolderLock lock = take(dir);
        if (java.nio.file.Files.exists(dir.lastModel())) {
            lock.close();
            throw new TrainingException("run folder " + dir.path() + " already holds a run; continue it with --resume "
                    + dir.path() + " or choose another --out");
        }
        return lock;
    }

    /** @throws TrainingException when another training holds the folder */
    static RunFolderLock take(RunDirectory dir) {
        dir.create();
        Path file = dir.path().resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dir);
            }
            return new RunFolderLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw inUse(dir);
        } catch (IOException e) {
            close(channel);
            throw new TrainingException("cannot lock the run folder " + dir.path() + " (" + file + "): "
                    + e.getMessage(), e);
        } catch (TrainingException e) {
            close(channel);
            throw e;
        }
    }

    private static TrainingException inUse(RunDirectory dir) {
        return new TrainingException("run folder " + dir.path() + " is in use by another training (it holds "
                + FILE + "); wait for it to end, or choose another --out");
    }

    /** Lets the folder go; a second call does nothing. */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
