package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataSharingTest {

    @TempDir
    Path directory;

    @Test
    void recordsFirstThenMapsTheArchiveKeptAfterAGracefulExit() throws Exception {
        Path jar = Files.writeString(directory.resolve("packwright-api.jar"), "v1");
        Path archives = directory.resolve("cds");
        ClassDataSharing sharing = ClassDataSharing.of(jar, archives);

        String record = option(sharing.javaOptions(), "-XX:ArchiveClassesAtExit=");
        Files.writeString(Path.of(record), "classes");
        sharing.keepRecording();

        String archive = option(ClassDataSharing.of(jar, archives).javaOptions(), "-XX:SharedArchiveFile=");
        assertEquals("classes", Files.readString(Path.of(archive)));
        assertFalse(Files.exists(Path.of(record)));
    }

    @Test
    void aRebuiltJarRecordsAfreshAndReplacesTheOldArchive() throws Exception {
        Path jar = Files.writeString(directory.resolve("packwright-worker.jar"), "v1");
        Path archives = directory.resolve("cds");
        ClassDataSharing first = ClassDataSharing.of(jar, archives);
        Files.writeString(Path.of(option(first.javaOptions(), "-XX:ArchiveClassesAtExit=")), "v1 classes");
        first.keepRecording();

        Files.writeString(jar, "v2, longer");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        ClassDataSharing rebuilt = ClassDataSharing.of(jar, archives);
        String record = option(rebuilt.javaOptions(), "-XX:ArchiveClassesAtExit=");
        Files.writeString(Path.of(record), "v2 classes");
        rebuilt.keepRecording();

        try (Stream<Path> kept = Files.list(archives)) {
            List<Path> files = kept.toList();
            assertEquals(1, files.size(), files.toString());
            assertEquals("v2 classes", Files.readString(files.get(0)));
        }
    }

    @Test
    void withoutARecordingNothingIsKept() throws Exception {
        Path jar = Files.writeString(directory.resolve("packwright-api.jar"), "v1");
        ClassDataSharing sharing = ClassDataSharing.of(jar, directory.resolve("cds"));

        sharing.keepRecording();

        assertTrue(sharing.javaOptions().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")));
    }

    private static String option(List<String> options, String prefix) {
        return options.stream()
                .filter(option -> option.startsWith(prefix))
                .map(option -> option.substring(prefix.length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(prefix + " missing in " + options));
    }
}
