package io.packwright.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on {@code stack.lock} in the data directory that a running launcher holds, so
 * that two stacks never share one directory. The operating system releases it when the launcher
 * ends, however it ends; so a launcher that gets the lock knows that a PostgreSQL server still
 * running on the directory was left behind by a launcher that was killed, and may stop it.
 */
final class DataDirectoryLock {

    // kept, never read: the lock lasts as long as its channel, which a collected lock could close
    private final FileLock lock;

    private DataDirectoryLock(FileLock lock) {
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dataDirectory} (created if missing) and notes this process's pid in
     * it. Keep the returned object for as long as the launcher runs: the lock lives with its file
     * channel.
     *
     * @throws IllegalStateException when another process holds it
     */
    static DataDirectoryLock acquire(Path dataDirectory) {
        Path file = dataDirectory.resolve("stack.lock");
        try {
            Files.createDirectories(dataDirectory);
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                throw new IllegalStateException("another Packwright stack (pid " + (holder.isEmpty() ? "?" : holder)
                        + ") runs on " + dataDirectory
                        + ": stop it first, or give this one a PACKWRIGHT_DATA_DIR of its own");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            return new DataDirectoryLock(lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }
}
