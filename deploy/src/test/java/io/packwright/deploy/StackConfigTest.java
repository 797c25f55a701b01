package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

    private static final Path HERE = Path.of("/srv/packwright");

    @Test
    void defaultsRunEverythingEmbeddedOnTheDocumentedPorts() {
        StackConfig config = StackConfig.fromEnvironment(Map.of(), HERE);

        assertEquals(Path.of("/srv/packwright/.packwright"), config.dataDirectory());
        assertEquals(Path.of("/srv/packwright/.packwright/postgres"), config.postgresDirectory());
        assertEquals(Path.of("/srv/packwright/.packwright/logs"), config.logDirectory());
        assertTrue(config.embeddedPostgres());
        assertTrue(config.embeddedTemporal());
        assertEquals(5433, config.postgresPort());
        assertEquals(7233, config.temporalPort());
        assertEquals(8080, config.apiPort());
        assertEquals(8081, config.workerPort());
        assertEquals("default", config.temporalNamespace());
        assertTrue(config.devSecret());
        assertEquals(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"), config.childJavaOptions());
        assertTrue(config.classDataSharing());
        assertEquals(Path.of("/srv/packwright/.packwright/cds"), config.classDataSharingDirectory());
    }

    @Test
    void externalServicesReplaceTheEmbeddedOnes() {
        StackConfig config = StackConfig.fromEnvironment(
                Map.of(
                        "DATASOURCES_DEFAULT_URL", "jdbc:postgresql://db:5432/packwright",
                        "DATASOURCES_DEFAULT_USERNAME", "app",
                        "DATASOURCES_DEFAULT_PASSWORD", "s3cret",
                        "TEMPORAL_ADDRESS", "temporal:7233",
                        "TEMPORAL_NAMESPACE", "packwright",
                        "PACKWRIGHT_DATA_DIR", "/var/lib/packwright",
                        "PACKWRIGHT_JWT_SECRET", "a-secret-that-is-long-enough-for-hs256",
                        "PACKWRIGHT_CHILD_JAVA_OPTS", "  -Xmx1g   -Dfoo=bar ",
                        "PACKWRIGHT_CDS", "false"),
                HERE);

        assertFalse(config.embeddedPostgres());
        assertEquals(
                new StackConfig.ExternalDatabase("jdbc:postgresql://db:5432/packwright", "app", "s3cret"),
                config.externalDatabase());
        assertFalse(config.embeddedTemporal());
        assertEquals("temporal:7233", config.temporalAddress());
        assertEquals("packwright", config.temporalNamespace());
        assertEquals(Path.of("/var/lib/packwright"), config.dataDirectory());
        assertFalse(config.devSecret());
        assertEquals(List.of("-Xmx1g", "-Dfoo=bar"), config.childJavaOptions());
        assertFalse(config.classDataSharing());
    }

    @Test
    void portZeroMeansAFreePortAndBlankMeansTheDefault() {
        StackConfig config = StackConfig.fromEnvironment(
                Map.of("PACKWRIGHT_POSTGRES_PORT", "0", "MICRONAUT_SERVER_PORT", "", "TEMPORAL_ADDRESS", " "), HERE);

        assertEquals(0, config.postgresPort());
        assertEquals(8080, config.apiPort());
        assertNull(config.temporalAddress());
    }

    @Test
    void unusableValuesNameTheirVariable() {
        var notANumber = assertThrows(
                IllegalArgumentException.class,
                () -> StackConfig.fromEnvironment(Map.of("PACKWRIGHT_WORKER_PORT", "http"), HERE));
        assertTrue(notANumber.getMessage().contains("PACKWRIGHT_WORKER_PORT"), notANumber.getMessage());

        var outOfRange = assertThrows(
                IllegalArgumentException.class,
                () -> StackConfig.fromEnvironment(Map.of("PACKWRIGHT_TEMPORAL_PORT", "70000"), HERE));
        assertTrue(outOfRange.getMessage().contains("PACKWRIGHT_TEMPORAL_PORT"), outOfRange.getMessage());

        var notAFlag = assertThrows(
                IllegalArgumentException.class,
                () -> StackConfig.fromEnvironment(Map.of("PACKWRIGHT_CDS", "maybe"), HERE));
        assertTrue(notAFlag.getMessage().contains("PACKWRIGHT_CDS"), notAFlag.getMessage());

        var shortSecret = assertThrows(
                IllegalArgumentException.class,
                () -> StackConfig.fromEnvironment(Map.of("PACKWRIGHT_JWT_SECRET", "too-short"), HERE));
        assertTrue(shortSecret.getMessage().contains("PACKWRIGHT_JWT_SECRET"), shortSecret.getMessage());
    }
}
