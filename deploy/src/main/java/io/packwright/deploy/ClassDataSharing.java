package io.packwright.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing (AppCDS) archive for one application jar: the first run records the classes
 * it loaded when it exits, and later runs map them instead of loading and verifying them again,
 * which starts a Micronaut JVM about a third faster on a small machine.
 *
 * <p>The archive is named after the jar's size and modification time and the JVM build, so a new
 * build or JDK records afresh. A recording only becomes the archive after a graceful exit, so that
 * a killed JVM never leaves a truncated archive behind.
 */
final class ClassDataSharing {

    private static final Logger LOG = LoggerFactory.getLogger(ClassDataSharing.class);
    // The JVM warns about every class it cannot archive; that is expected and only noise here.
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";

    private final String jarName;
    private final Path archive;
    private final Path recording;

    private ClassDataSharing(String jarName, Path archive, Path recording) {
        this.jarName = jarName;
        this.archive = archive;
        this.recording = recording;
    }

    /**
     * The archive of {@code jar} in {@code directory}.
     *
     * @param jar the application jar the JVM runs
     * @param directory where archives are kept
     */
    static ClassDataSharing of(Path jar, Path directory) {
        try {
            String fingerprint =
                    Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis() + ":"
                            + System.getProperty("java.vm.version") + ":" + System.getProperty("java.home");
            String id = UUID.nameUUIDFromBytes(fingerprint.getBytes(StandardCharsets.UTF_8))
                    .toString()
                    .substring(0, 8);
            String jarName = jar.getFileName().toString().replaceFirst("\\.jar$", "");
            Files.createDirectories(directory);
            return new ClassDataSharing(
                    jarName,
                    directory.resolve(jarName + "-" + id + ".jsa"),
                    directory.resolve(jarName + "-" + id + ".jsa.recording"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the class data sharing archive of " + jar, e);
        }
    }

    /** Whether an archive exists; without one, this run records it. */
    boolean hasArchive() {
        return Files.isRegularFile(archive);
    }

    /** Maps the archive if there is one, else records one at exit. */
    List<String> javaOptions() {
        if (hasArchive()) {
            return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
        }
        return List.of("-XX:ArchiveClassesAtExit=" + recording, QUIET);
    }

    /** After a graceful exit: the recording, if any, becomes the archive; older archives go. */
    void keepRecording() {
        if (!Files.isRegularFile(recording)) {
            return;
        }
        try {
            Files.move(recording, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(archive.getParent(), jarName + "-*.jsa*")) {
                for (Path old : stale) {
                    if (!old.equals(archive)) {
                        Files.deleteIfExists(old);
                    }
                }
            }
            LOG.info("Recorded {} for faster starts of {}", archive.getFileName(), jarName);
        } catch (IOException e) {
            LOG.warn("Could not keep the class data sharing archive {}: {}", archive, e.getMessage());
        }
    }
}
