package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.component.PackageExtensionStore;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The extension values of integration pack instances and the extensions that their releases
 * declare. Secret values are stored encrypted (the caller encrypts them); this store never sees a
 * plain secret. Every method needs a surrounding transaction.
 *
 * <p>A key is secret for an instance when the release the instance runs, its pack's pending
 * (scheduled) release or its pack's current release declares it {@code secret}: the contract names
 * the first two; the current one is included so that a key that became secret in a release the
 * instance could not take stays secret for it, and so that the sweep of keys that became secret
 * ({@link SecretSweepStore}) needs to walk a pack only when a release makes a key secret that none of
 * these made secret before.
 */
@Singleton
public class ExtensionValueStore {

    /**
     * An extension that the installed or the pending release (or the current one, for an instance
     * behind it) declares, merged over their packages.
     *
     * @param key its key
     * @param mustBeGiven declared by the installed release as {@code required} without default value
     * @param secret whether it is secret for the instance (see the class comment)
     */
    public record DeclaredExtension(String key, boolean mustBeGiven, boolean secret) {}

    /**
     * An extension value as it is written: plain, or encrypted.
     *
     * @param key its key
     * @param value the plain value, {@code null} when encrypted
     * @param encryptedValue the encrypted value, else {@code null}
     */
    public record StoredValue(
            String key, @Nullable String value, @Nullable byte[] encryptedValue) {}

    /**
     * An extension value of an instance as it is read.
     *
     * @param key its key
     * @param value the plain value, {@code null} when encrypted
     * @param encryptedValue the encrypted value, else {@code null}
     * @param secret whether its key is secret for the instance now; a value can be plain and secret
     *     for a while after its key became secret, until the sweep has encrypted it
     */
    public record InstanceValue(
            String key, @Nullable String value, @Nullable byte[] encryptedValue, boolean secret) {

        /**
         * Whether the value is never shown: its key is secret, or it was stored encrypted (once
         * secret, always masked, also when a later release declares the key otherwise).
         */
        public boolean masked() {
            return secret || encryptedValue != null;
        }
    }

    /**
     * For each instance {@code i} of the pack {@code p}, the releases that decide which of its keys
     * are secret (the class comment): columns {@code instance_id}, {@code release_id}.
     */
    static final String SECRECY_RELEASES = """
            SELECT i.id AS instance_id, r.release_id
            FROM integration_pack_instances i
            JOIN integration_packs p ON p.id = i.integration_pack_id
            CROSS JOIN LATERAL (VALUES (i.installed_release_id), (p.current_release_id),
                                       ((SELECT s.id FROM releases s
                                          WHERE s.integration_pack_id = p.id AND s.status = 'SCHEDULED'))) r (release_id)
            WHERE i.id = ANY (?) AND r.release_id IS NOT NULL""";

    private static final String SECRET_KEYS = "WITH secrecy AS (" + SECRECY_RELEASES + """
            )
            SELECT DISTINCT secrecy.instance_id, pe.key
            FROM secrecy
            JOIN release_components rc ON rc.release_id = secrecy.release_id
            JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
            WHERE pe.secret""";

    private static final String DECLARED = """
            WITH o AS (
                SELECT ?::uuid AS installed_id, p.current_release_id AS current_id,
                       (SELECT s.id FROM releases s WHERE s.integration_pack_id = p.id AND s.status = 'SCHEDULED')
                           AS pending_id,
                       (SELECT c.release_number > i.release_number FROM releases c, releases i
                         WHERE c.id = p.current_release_id AND i.id = ?) AS behind
                FROM integration_packs p WHERE p.id = ?)
            SELECT pe.key,
                   bool_or(rc.release_id = o.installed_id AND pe.required AND\s""" + PackageExtensionStore.HAS_NO_DEFAULT + """
            ) AS must_be_given,
                   bool_or(pe.secret) AS secret
            FROM o
            JOIN release_components rc ON rc.release_id IN (o.installed_id, o.pending_id, o.current_id)
            JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
            GROUP BY pe.key
            HAVING bool_or(rc.release_id = o.installed_id OR rc.release_id = o.pending_id
                           OR (o.behind AND rc.release_id = o.current_id))
            ORDER BY pe.key""";

    private static final String MISSING_REQUIRED = """
            SELECT k.key, count(*) OVER () AS total FROM (""" + ReleaseFanOutStore.REQUIRED_KEYS + """
            ) k
            WHERE NOT EXISTS (SELECT 1 FROM instance_extension_values v
                               WHERE v.integration_pack_instance_id = ? AND v.key = k.key)
            ORDER BY k.key LIMIT ?""";

    private final JdbcOperations jdbc;

    ExtensionValueStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** The associated data that binds an encrypted value to its instance and key. */
    public static String owner(UUID instanceId, String key) {
        return instanceId + "/" + key;
    }

    /**
     * The extensions declared by the packages of {@code installedReleaseId}, of the pack's pending
     * release and, when the instance runs an older release than the pack's current one, of the
     * current release, by key: the keys an instance on {@code installedReleaseId} may set. The
     * current release's keys are there so that an instance that could not take it can be given the
     * values it lacks (and then be caught up).
     */
    public Map<String, DeclaredExtension> declaredExtensions(UUID packId, UUID installedReleaseId) {
        return jdbc.prepareStatement(DECLARED, statement -> {
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

    /**
     * The stored extension values of these instances, by instance, then by key, each with whether
     * its key is secret for its instance.
     */
    public Map<UUID, List<InstanceValue>> values(Collection<UUID> instanceIds) {
        Map<UUID, List<InstanceValue>> values = new LinkedHashMap<>();
        if (instanceIds.isEmpty()) {
            return values;
        }
        Map<UUID, Set<String>> secret = secretKeys(instanceIds);
        return jdbc.prepareStatement("""
                SELECT integration_pack_instance_id, key, value, encrypted_value FROM instance_extension_values
                WHERE integration_pack_instance_id = ANY (?) ORDER BY integration_pack_instance_id, key""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", instanceIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID instance = rows.getObject("integration_pack_instance_id", UUID.class);
                    String key = rows.getString("key");
                    values.computeIfAbsent(instance, id -> new ArrayList<>())
                            .add(new InstanceValue(
                                    key,
                                    rows.getString("value"),
                                    rows.getBytes("encrypted_value"),
                                    secret.getOrDefault(instance, Set.of()).contains(key)));
                }
            }
            return values;
        });
    }

    // one query for the whole page: the few releases involved, not a probe per value
    private Map<UUID, Set<String>> secretKeys(Collection<UUID> instanceIds) {
        return jdbc.prepareStatement(SECRET_KEYS, statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", instanceIds.toArray()));
            Map<UUID, Set<String>> keys = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.computeIfAbsent(rows.getObject("instance_id", UUID.class), id -> new HashSet<>())
                            .add(rows.getString("key"));
                }
            }
            return keys;
        });
    }

    /**
     * Replaces all extension values of an instance by {@code values}, with one delete and one insert
     * statement whatever their number: statement-level triggers (the environments' revisions,
     * migration V9) then fire once per statement, not once per value.
     */
    public void replaceValues(UUID instanceId, List<StoredValue> values) {
        jdbc.prepareStatement(
                "DELETE FROM instance_extension_values WHERE integration_pack_instance_id = ?", statement -> {
                    statement.setObject(1, instanceId);
                    return statement.executeUpdate();
                });
        if (values.isEmpty()) {
            return;
        }
        String[] keys = new String[values.size()];
        String[] plain = new String[values.size()];
        String[] encryptedHex = new String[values.size()];
        for (int i = 0; i < values.size(); i++) {
            StoredValue value = values.get(i);
            keys[i] = value.key();
            plain[i] = value.value();
            encryptedHex[i] =
                    value.encryptedValue() == null ? null : HexFormat.of().formatHex(value.encryptedValue());
        }
        jdbc.prepareStatement("""
                INSERT INTO instance_extension_values (integration_pack_instance_id, key, value, encrypted_value)
                SELECT ?, v.key, v.value, decode(v.encrypted_hex, 'hex')
                FROM unnest(?::text[], ?::text[], ?::text[]) AS v (key, value, encrypted_hex)""", statement -> {
            statement.setObject(1, instanceId);
            statement.setArray(2, statement.getConnection().createArrayOf("text", keys));
            statement.setArray(3, statement.getConnection().createArrayOf("text", plain));
            statement.setArray(4, statement.getConnection().createArrayOf("text", encryptedHex));
            return statement.executeUpdate();
        });
    }
}
