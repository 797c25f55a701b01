package io.packwright.agent.execute;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * The executions' working directories, {@code <dir>/executions/<executionId>/}, owner-only
 * ({@code 0700}) like the rest of the agent's directory: a process may leave what it read from its
 * environment there.
 */
final class WorkingDirectories {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path root;
    private final boolean posix;

    private WorkingDirectories(Path root, boolean posix) {
        this.root = root;
        this.posix = posix;
    }

    /** Creates {@code <agentRoot>/executions} owner-only, or makes an existing one so. */
    static WorkingDirectories open(Path agentRoot) throws IOException {
        Path root = agentRoot.toAbsolutePath().normalize().resolve("executions");
        boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        WorkingDirectories directories = new WorkingDirectories(root, posix);
        directories.createOwnerOnly(root);
        return directories;
    }

    Path root() {
        return root;
    }

    Path of(UUID executionId) {
        return root.resolve(executionId.toString());
    }

    /** A fresh, empty working directory for the execution; a leftover one of the same id is removed. */
    Path create(UUID executionId) throws IOException {
        Path directory = of(executionId);
        deleteTree(directory);
        createOwnerOnly(directory);
        return directory;
    }

    /** Removes the execution's working directory and everything in it; symbolic links are not followed. */
    void delete(UUID executionId) throws IOException {
        deleteTree(of(executionId));
    }

    private void createOwnerOnly(Path directory) throws IOException {
        if (posix) {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            if (!Files.getPosixFilePermissions(directory).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(directory, OWNER_ONLY);
            }
        } else {
            Files.createDirectories(directory);
            directory.toFile().setReadable(false, false);
            directory.toFile().setReadable(true, true);
            directory.toFile().setWritable(false, false);
            directory.toFile().setWritable(true, true);
            directory.toFile().setExecutable(false, false);
            directory.toFile().setExecutable(true, true);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
