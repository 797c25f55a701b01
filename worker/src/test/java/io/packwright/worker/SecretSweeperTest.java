package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.managed.ExtensionValueStore;
import io.packwright.activities.temporal.TestTemporalServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The worker's secret sweep in the worker process: after a key rotation (new current key, the old
 * one as previous key) it rewrites what is stored under the old key without being asked, and its
 * metrics say when nothing is left under a previous key. No Temporal is needed for it.
 */
class SecretSweeperTest {

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void afterARotationTheWorkerRewritesValuesUnderThePreviousKeyAndReportsNoneLeft() throws SQLException {
        String oldKey = key(4);
        String newKey = key(5);
        TestDatabase database = TestDatabases.create().migrate();
        UUID instance;
        try (Connection db = database.connect()) {
            // the activities' fixtures, not this module's ReleaseRows
            var rows = new io.packwright.activities.store.release.ReleaseRows(db);
            var pack = rows.pack();
            instance = rows.instance(pack, pack.first());
            rows.exec(
                    "INSERT INTO instance_extension_values VALUES (?, 'token', NULL, ?)",
                    instance,
                    new SecretCipher(oldKey).encrypt(ExtensionValueStore.owner(instance, "token"), "s3cr3t"));
        }
        Map<String, Object> properties = TestProperties.worker(database, "127.0.0.1:" + TestTemporalServer.freePort());
        properties.put("packwright.secrets.key", newKey);
        properties.put("packwright.secrets.previous-keys", oldKey);
        properties.put("packwright.secrets.sweep-interval", "200ms");
        try (ApplicationContext context = ApplicationContext.run(properties);
                Connection db = database.connect()) {
            SecretSweeper sweeper = context.getBean(SecretSweeper.class);
            Eventually.await(Duration.ofSeconds(20), "two sweeps", () -> sweeper.passes() >= 2);

            SecretCipher current = new SecretCipher(newKey);
            byte[] stored = ciphertext(db, instance);
            assertTrue(current.isCurrent(stored));
            assertEquals("s3cr3t", current.decrypt(ExtensionValueStore.owner(instance, "token"), stored));
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertEquals(
                    0.0,
                    meters.get("packwright.secrets.reencryption.remaining")
                            .gauge()
                            .value());
            assertEquals(
                    1.0, meters.get("packwright.secrets.reencrypted").counter().count());
        }
    }

    private static byte[] ciphertext(Connection db, UUID instance) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(
                "SELECT encrypted_value FROM instance_extension_values WHERE integration_pack_instance_id = ?")) {
            statement.setObject(1, instance);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBytes(1);
            }
        }
    }
}
