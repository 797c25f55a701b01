package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The extension values of integration pack instances and the extensions that their releases
 * declare. Secret values are stored encrypted (the caller encrypts them); this store never sees a
 * plain secret. Every method needs a surrounding transaction.
 */
@Singleton
public class ExtensionValueStore {

    /**
     * An extension that a release declares, merged over the release's packages.
     *
     * @param key its key
     * @param mustBeGiven declared by the installed release as {@code required} without default value
     * @param secret whether its values are secret
     */
    public record DeclaredExtension(String key, boolean mustBeGiven, boolean secret) {}

    /**
     * A stored extension value: plain, or encrypted for a secret extension.
     *
     * @param key its key
     * @param value the plain value, {@code null} for a secret
     * @param encryptedValue the encrypted value of a secret, else {@code null}
     */
    public record StoredValue(
            String key, @Nullable String value, @Nullable byte[] encryptedValue) {}

    private static final String MISSING_REQUIRED = """
            SELECT k.key, count(*) OVER () AS total FROM (%s) k
            WHERE NOT EXISTS (SELECT 1 FROM instance_extension_values v
                               WHERE v.integration_pack_instance_id = ? AND v.key = k.key)
            ORDER BY k.key LIMIT ?""".formatted(ReleaseFanOutStore.REQUIRED_KEYS);

    private final JdbcOperations jdbc;

    ExtensionValueStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The extensions declared by the packages of {@code installedReleaseId} and of the pack's
     * pending release, by key.
     */
    public Map<String, DeclaredExtension> declaredExtensions(UUID packId, UUID installedReleaseId) {
        return jdbc.prepareStatement("""
                SELECT pe.key,
                       bool_or(rc.release_id = ? AND pe.required AND pe.default_value IS NULL) AS must_be_given,
                       bool_or(pe.secret) AS secret
                FROM release_components rc
                JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
                WHERE rc.release_id = ?
                   OR rc.release_id = (SELECT r.id FROM releases r
                                        WHERE r.integration_pack_id = ? AND r.status = 'SCHEDULED')
                GROUP BY pe.key ORDER BY pe.key""", statement -> {
            statement.setObject(1, installedReleaseId);
            statement.setObject(2, installedReleaseId);
            statement.setObject(3, packId);
            Map<String, DeclaredExtension> declared = new LinkedHashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String key = rows.getString("key");
                    declared.put(
                            key,
                            new DeclaredExtension(key, rows.getBoolean("must_be_given"), rows.getBoolean("secret")));
                }
            }
            return declared;
        });
    }

    /**
     * The extension keys that {@code releaseId} requires without a default value and that the
     * instance has no value for, in key order: while there are any, the instance cannot take the
     * release. Fetches at most {@link CappedList#SHOWN} keys and counts the rest.
     */
    public CappedList<String> missingRequiredExtensions(UUID instanceId, UUID releaseId) {
        return jdbc.prepareStatement(MISSING_REQUIRED, statement -> {
            statement.setObject(1, releaseId);
            statement.setObject(2, instanceId);
            statement.setInt(3, CappedList.SHOWN);
            List<String> keys = new ArrayList<>();
            long total = 0;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString("key"));
                    total = rows.getLong("total");
                }
            }
            return new CappedList<>(keys, total);
        });
    }

    /** The stored extension values of these instances, by instance, then by key. */
    public Map<UUID, List<StoredValue>> values(Collection<UUID> instanceIds) {
        Map<UUID, List<StoredValue>> values = new LinkedHashMap<>();
        if (instanceIds.isEmpty()) {
            return values;
        }
        return jdbc.prepareStatement("""
                SELECT integration_pack_instance_id, key, value, encrypted_value FROM instance_extension_values
                WHERE integration_pack_instance_id = ANY (?) ORDER BY integration_pack_instance_id, key""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", instanceIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.computeIfAbsent(
                                    rows.getObject("integration_pack_instance_id", UUID.class), id -> new ArrayList<>())
                            .add(new StoredValue(
                                    rows.getString("key"), rows.getString("value"), rows.getBytes("encrypted_value")));
                }
            }
            return values;
        });
    }

    /** Replaces all extension values of an instance by {@code values}. */
    public void replaceValues(UUID instanceId, List<StoredValue> values) {
        jdbc.prepareStatement(
                "DELETE FROM instance_extension_values WHERE integration_pack_instance_id = ?", statement -> {
                    statement.setObject(1, instanceId);
                    return statement.executeUpdate();
                });
        if (values.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("""
                INSERT INTO instance_extension_values (integration_pack_instance_id, key, value, encrypted_value)
                VALUES (?, ?, ?, ?)""", statement -> {
            for (StoredValue value : values) {
                statement.setObject(1, instanceId);
                statement.setString(2, value.key());
                statement.setString(3, value.value());
                statement.setBytes(4, value.encryptedValue());
                statement.addBatch();
            }
            return statement.executeBatch();
        });
    }
}
