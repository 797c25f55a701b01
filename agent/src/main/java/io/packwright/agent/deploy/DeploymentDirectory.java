package io.packwright.agent.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.packwright.agent.api.Deployment;
import io.packwright.agent.api.Json;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's local directory: {@code <root>/deployments/<integrationPackInstanceId>.json}, one
 * {@link DeploymentFile} per deployment of the environment. The files hold decrypted secrets, so
 * the directories are {@code 0700} and the files {@code 0600}, from their creation on: a file is
 * written to a temporary file created {@code 0600} in the same directory, forced to disk and
 * renamed over the old one atomically, so a reader (another loop of the agent, or a process of the
 * operator) sees the old content or the new, whole.
 *
 * <p>On a file system without POSIX permissions the agent warns once and restricts access to the
 * owner as far as {@link File}'s permission methods can.
 *
 * <p>Only the deployment loop writes; reads are safe from any thread.
 */
public final class DeploymentDirectory {

    private static final Logger LOG = Logger.getLogger(DeploymentDirectory.class.getName());
    private static final String FILE_SUFFIX = ".json";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final AtomicBoolean NON_POSIX_WARNED = new AtomicBoolean();
    private static final AtomicBoolean NON_ATOMIC_MOVE_WARNED = new AtomicBoolean();

    private final Path root;
    private final Path deployments;
    private final boolean posix;

    private DeploymentDirectory(Path root, Path deployments, boolean posix) {
        this.root = root;
        this.deployments = deployments;
        this.posix = posix;
    }

    /**
     * Creates {@code root} and {@code root/deployments} owner-only, or makes existing ones so, and
     * removes temporary files that an agent killed while writing left behind.
     */
    public static DeploymentDirectory open(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        Path deployments = absolute.resolve("deployments");
        boolean posix = absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!posix && NON_POSIX_WARNED.compareAndSet(false, true)) {
            LOG.warning("The file system of " + absolute + " has no POSIX permissions: the deployment files, which"
                    + " hold secrets, are restricted to their owner only as far as the platform allows");
        }
        DeploymentDirectory directory = new DeploymentDirectory(absolute, deployments, posix);
        directory.createOwnerOnly(absolute);
        directory.createOwnerOnly(deployments);
        directory.removeLeftoverTemporaryFiles();
        return directory;
    }

    public Path root() {
        return root;
    }

    /** The file of one instance's deployment, whether it exists or not. */
    public Path fileOf(UUID integrationPackInstanceId) {
        return deployments.resolve(integrationPackInstanceId + FILE_SUFFIX);
    }

    /** Writes (or replaces) the file of {@code file}'s instance atomically, readable by the owner only. */
    public void write(DeploymentFile file) throws IOException {
        byte[] content = serialise(file);
        Path target = fileOf(file.integrationPackInstanceId());
        Path temporary = posix
                ? Files.createTempFile(
                        deployments,
                        "." + target.getFileName(),
                        TEMP_SUFFIX,
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(deployments, "." + target.getFileName(), TEMP_SUFFIX);
        try {
            if (!posix) {
                restrictToOwner(temporary.toFile(), false);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            move(temporary, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        forceDirectory();
    }

    /** The deployment file of an instance, or empty when there is none. */
    public Optional<DeploymentFile> read(UUID integrationPackInstanceId) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(fileOf(integrationPackInstanceId));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            ObjectNode node = (ObjectNode) Json.mapper().readTree(content);
            Deployment deployment = Json.mapper().treeToValue(node, Deployment.class);
            UUID environmentId = UUID.fromString(node.path("environmentId").asText());
            return Optional.of(
                    new DeploymentFile(environmentId, node.path("revision").asLong(), deployment));
        } catch (JsonProcessingException e) {
            throw new IOException(
                    fileOf(integrationPackInstanceId) + " does not parse (" + Json.describeParseFailure(e) + ")");
        } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
            throw new IOException(fileOf(integrationPackInstanceId) + " is not a deployment file");
        }
    }

    /** The instances that have a deployment file, in id order. */
    public Set<UUID> instanceIds() throws IOException {
        Set<UUID> ids = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(deployments, "*" + FILE_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    ids.add(UUID.fromString(name.substring(0, name.length() - FILE_SUFFIX.length())));
                } catch (IllegalArgumentException notOurs) {
                    // a file the operator put there: not the agent's to delete
                }
            }
        }
        return ids;
    }

    /** Deletes an instance's file; returns whether there was one. */
    public boolean delete(UUID integrationPackInstanceId) throws IOException {
        boolean deleted = Files.deleteIfExists(fileOf(integrationPackInstanceId));
        if (deleted) {
            forceDirectory();
        }
        return deleted;
    }

    private static byte[] serialise(DeploymentFile file) throws IOException {
        ObjectNode node = Json.mapper().valueToTree(file.deployment());
        node.put("revision", file.revision());
        node.put("environmentId", file.environmentId().toString());
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IOException(
                    "cannot serialise the deployment (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void createOwnerOnly(Path directory) throws IOException {
        if (posix) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly =
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY);
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, ownerOnly);
            }
            if (!Files.getPosixFilePermissions(directory).equals(OWNER_ONLY_DIRECTORY)) {
                Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
                LOG.info("Restricted " + directory + " to its owner (0700)");
            }
        } else {
            Files.createDirectories(directory);
            restrictToOwner(directory.toFile(), true);
        }
    }

    private void removeLeftoverTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(deployments, ".*" + TEMP_SUFFIX)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void move(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            if (NON_ATOMIC_MOVE_WARNED.compareAndSet(false, true)) {
                LOG.warning("The file system of " + target.getParent() + " cannot rename atomically: a reader may"
                        + " see a deployment file missing while it is replaced");
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces the directory entry of a rename or delete to disk; not every platform can. */
    private void forceDirectory() {
        if (!posix) {
            return;
        }
        try (FileChannel channel = FileChannel.open(deployments, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.log(Level.FINE, "Cannot force " + deployments + " to disk: " + e.getMessage());
        }
    }

    private static void restrictToOwner(File file, boolean directory) {
        boolean restricted = file.setReadable(false, false)
                && file.setReadable(true, true)
                && file.setWritable(false, false)
                && file.setWritable(true, true);
        if (directory) {
            restricted &= file.setExecutable(false, false) && file.setExecutable(true, true);
        }
        if (!restricted) {
            LOG.log(Level.FINE, "Could not fully restrict " + file + " to its owner");
        }
    }
}
