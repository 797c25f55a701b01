package io.packwright.activities.store.managed;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.Ids;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the worker's secret sweep reads and rewrites: queued sweeps of keys that a release made
 * secret, secret extension values and secret defaults stored in plain text, and ciphertexts under
 * another key than the current one. It never sees a key: the caller decrypts and encrypts. Every
 * method needs a surrounding transaction; each batch is meant to be a transaction of its own, so that
 * what a batch did stays done when the process dies, and a rerun finds only what is left.
 *
 * <p>Locks: a sweep row is claimed {@code FOR UPDATE SKIP LOCKED}, so that parallel workers walk
 * different packs; the walk then locks the batch's instance rows {@code FOR UPDATE} in id order and
 * waits for them, as the fan-out does, so that an extension update that read the extensions before
 * the release committed has committed its values before the walk reads them. Ciphertexts and plain
 * defaults are locked {@code FOR UPDATE SKIP LOCKED}: a row that someone else holds is left for the
 * next batch or pass.
 */
@Singleton
public class SecretSweepStore {

    /**
     * A queued sweep.
     *
     * @param id the sweep
     * @param packId the pack whose instances it walks
     * @param keys the keys whose plain values it encrypts, where they are secret for their instance
     * @param after the last instance id it has done
     */
    public record Sweep(UUID id, UUID packId, List<String> keys, UUID after) {}

    /**
     * A stored plain text that has to be encrypted, or a ciphertext that has to be rewritten.
     *
     * @param ownerId the instance (of a value) or the packaged component (of a default)
     * @param key the extension key
     * @param plain the plain text, for a plain value or default; else {@code null}
     * @param encrypted the ciphertext, for one under another key; else {@code null}
     */
    public record Stored(UUID ownerId, String key, String plain, byte[] encrypted) {}

    /**
     * What replaces a stored plain text or ciphertext.
     *
     * @param ownerId the instance or the packaged component
     * @param key the extension key
     * @param encrypted the ciphertext under the current key
     */
    public record Rewritten(UUID ownerId, String key, byte[] encrypted) {}

    // A pack's keys that the release ? declares secret while neither the pack's current release nor
    // another of its open releases does: only those can have plain values that must now be encrypted
    // (values of keys that one of those declares secret are encrypted already, or queued).
    private static final String QUEUE = """
            INSERT INTO secret_key_sweeps (id, integration_pack_id, keys, created_at)
            SELECT ?, r.integration_pack_id, array_agg(DISTINCT pe.key ORDER BY pe.key), ?
            FROM releases r
            JOIN integration_packs p ON p.id = r.integration_pack_id
            JOIN release_components rc ON rc.release_id = r.id
            JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
            WHERE r.id = ? AND pe.secret
              AND NOT EXISTS (
                  SELECT 1 FROM release_components orc
                  JOIN package_extensions ope ON ope.packaged_component_id = orc.packaged_component_id
                  WHERE ope.key = pe.key AND ope.secret
                    AND orc.release_id IN (
                        SELECT p.current_release_id
                        UNION ALL
                        SELECT o.id FROM releases o
                         WHERE o.integration_pack_id = r.integration_pack_id AND o.id <> r.id
                           AND o.status IN """ + ReleaseStatus.OPEN_SQL + """
                           ))
            GROUP BY r.integration_pack_id""";

    private static final String PLAIN_SECRET_VALUES = "WITH secrecy AS (" + ExtensionValueStore.SECRECY_RELEASES + """
            ),
            secret AS (
                SELECT DISTINCT secrecy.instance_id, pe.key
                FROM secrecy
                JOIN release_components rc ON rc.release_id = secrecy.release_id
                JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
                WHERE pe.secret AND pe.key = ANY (?))
            SELECT v.integration_pack_instance_id, v.key, v.value
            FROM instance_extension_values v
            JOIN secret s ON s.instance_id = v.integration_pack_instance_id AND s.key = v.key
            WHERE v.integration_pack_instance_id = ANY (?) AND v.value IS NOT NULL
            ORDER BY v.integration_pack_instance_id, v.key""";

    // Both range conditions name the indexed expression, so that each is a range scan of the
    // *_key_id_idx index; headers the caller skips (no configured key decrypts them) are excluded.
    private static final String VALUES_UNDER_OTHER_KEYS = """
            SELECT integration_pack_instance_id AS owner_id, key, encrypted_value AS encrypted
            FROM instance_extension_values
            WHERE encrypted_value IS NOT NULL
              AND (substring(encrypted_value FROM 1 FOR 5) < ? OR substring(encrypted_value FROM 1 FOR 5) > ?)
              AND encode(substring(encrypted_value FROM 1 FOR 5), 'hex') <> ALL (?)
            LIMIT ? FOR UPDATE SKIP LOCKED""";

    private static final String DEFAULTS_UNDER_OTHER_KEYS = """
            SELECT packaged_component_id AS owner_id, key, encrypted_default_value AS encrypted
            FROM package_extensions
            WHERE encrypted_default_value IS NOT NULL
              AND (substring(encrypted_default_value FROM 1 FOR 5) < ?
                   OR substring(encrypted_default_value FROM 1 FOR 5) > ?)
              AND encode(substring(encrypted_default_value FROM 1 FOR 5), 'hex') <> ALL (?)
            LIMIT ? FOR UPDATE SKIP LOCKED""";

    /**
     * The secrets of webhook endpoints (current and previous, by column name as the key) under
     * another key; the endpoints' rows are locked. Parameters: the header four times (twice per
     * column), the skipped headers twice, the limit of endpoints.
     */
    private static final String WEBHOOK_SECRETS_UNDER_OTHER_KEYS = """
            SELECT w.id AS owner_id, c.key, c.encrypted
            FROM (SELECT id, secret, previous_secret FROM webhook_endpoints
                  WHERE ((substring(secret FROM 1 FOR 5) < ? OR substring(secret FROM 1 FOR 5) > ?)
                         AND encode(substring(secret FROM 1 FOR 5), 'hex') <> ALL (?))
                     OR ((substring(previous_secret FROM 1 FOR 5) < ? OR substring(previous_secret FROM 1 FOR 5) > ?)
                         AND encode(substring(previous_secret FROM 1 FOR 5), 'hex') <> ALL (?))
                  LIMIT ? FOR UPDATE SKIP LOCKED) w
            CROSS JOIN LATERAL (VALUES ('secret', w.secret), ('previous_secret', w.previous_secret)) c(key, encrypted)
            WHERE c.encrypted IS NOT NULL
              AND (substring(c.encrypted FROM 1 FOR 5) < ? OR substring(c.encrypted FROM 1 FOR 5) > ?)
              AND encode(substring(c.encrypted FROM 1 FOR 5), 'hex') <> ALL (?)""";

    private static final String COUNT_UNDER_OTHER_KEYS = """
            SELECT (SELECT count(*) FROM instance_extension_values
                     WHERE encrypted_value IS NOT NULL
                       AND (substring(encrypted_value FROM 1 FOR 5) < ?
                            OR substring(encrypted_value FROM 1 FOR 5) > ?))
                 + (SELECT count(*) FROM package_extensions
                     WHERE encrypted_default_value IS NOT NULL
                       AND (substring(encrypted_default_value FROM 1 FOR 5) < ?
                            OR substring(encrypted_default_value FROM 1 FOR 5) > ?))
                 + (SELECT count(*) FROM webhook_endpoints w
                     CROSS JOIN LATERAL (VALUES (w.secret), (w.previous_secret)) c(encrypted)
                     WHERE c.encrypted IS NOT NULL
                       AND (substring(c.encrypted FROM 1 FOR 5) < ?
                            OR substring(c.encrypted FROM 1 FOR 5) > ?)) AS remaining""";

    private final JdbcOperations jdbc;

    SecretSweepStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Queues a sweep of the keys that the new release {@code releaseId} makes secret for its pack,
     * if there are any: to be called by the transaction that creates the release, after its content
     * is written and before it becomes the pack's current release or supersedes another one. Bounded
     * by the size of the pack's releases, not by its install base.
     *
     * @return whether a sweep was queued
     */
    public boolean queueKeysMadeSecretBy(UUID releaseId, Instant now) {
        return jdbc.prepareStatement(QUEUE, statement -> {
                    statement.setObject(1, Ids.next());
                    statement.setTimestamp(2, Timestamp.from(now));
                    statement.setObject(3, releaseId);
                    return statement.executeUpdate();
                })
                > 0;
    }

    /** Claims the oldest queued sweep of a live pack that no other transaction holds. */
    public Optional<Sweep> claimSweep() {
        return jdbc
                .prepareStatement("""
                        SELECT s.id, s.integration_pack_id, s.keys, s.after_instance_id
                        FROM secret_key_sweeps s
                        WHERE EXISTS (SELECT 1 FROM integration_packs p
                                       WHERE p.id = s.integration_pack_id AND p.deleted_at IS NULL)
                        ORDER BY s.created_at, s.id LIMIT 1
                        FOR UPDATE OF s SKIP LOCKED""", statement -> {
                    List<Sweep> sweeps = new ArrayList<>();
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            sweeps.add(new Sweep(
                                    rows.getObject("id", UUID.class),
                                    rows.getObject("integration_pack_id", UUID.class),
                                    Arrays.asList(
                                            (String[]) rows.getArray("keys").getArray()),
                                    rows.getObject("after_instance_id", UUID.class)));
                        }
                    }
                    return sweeps;
                })
                .stream()
                .findFirst();
    }

    /** Locks the next {@code limit} instances of the pack after {@code after}, in id order. */
    public List<UUID> lockInstances(UUID packId, UUID after, int limit) {
        return jdbc.prepareStatement("""
                SELECT i.id FROM integration_pack_instances i
                WHERE i.integration_pack_id = ? AND i.id > ?
                ORDER BY i.id LIMIT ? FOR UPDATE OF i""", statement -> {
            statement.setObject(1, packId);
            statement.setObject(2, after);
            statement.setInt(3, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject("id", UUID.class));
                }
            }
            return ids;
        });
    }

    /** The plain values of {@code keys} of these instances whose key is secret for their instance. */
    public List<Stored> plainSecretValues(List<UUID> instanceIds, List<String> keys) {
        return jdbc.prepareStatement(PLAIN_SECRET_VALUES, statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", instanceIds.toArray()));
            statement.setArray(2, statement.getConnection().createArrayOf("text", keys.toArray()));
            statement.setArray(3, statement.getConnection().createArrayOf("uuid", instanceIds.toArray()));
            List<Stored> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(new Stored(
                            rows.getObject("integration_pack_instance_id", UUID.class),
                            rows.getString("key"),
                            rows.getString("value"),
                            null));
                }
            }
            return values;
        });
    }

    /** Locks up to {@code limit} defaults of secret extensions that are stored in plain text. */
    public List<Stored> lockPlainSecretDefaults(int limit) {
        return jdbc.prepareStatement("""
                SELECT packaged_component_id, key, default_value FROM package_extensions
                WHERE secret AND default_value IS NOT NULL
                LIMIT ? FOR UPDATE SKIP LOCKED""", statement -> {
            statement.setInt(1, limit);
            List<Stored> defaults = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    defaults.add(new Stored(
                            rows.getObject("packaged_component_id", UUID.class),
                            rows.getString("key"),
                            rows.getString("default_value"),
                            null));
                }
            }
            return defaults;
        });
    }

    /**
     * Locks up to {@code limit} encrypted values whose first bytes are not {@code header} (so under
     * another key or of another version), except those starting with one of {@code skippedHeaders}
     * (hex).
     */
    public List<Stored> lockValuesUnderOtherKeys(byte[] header, Collection<String> skippedHeaders, int limit) {
        return underOtherKeys(VALUES_UNDER_OTHER_KEYS, header, skippedHeaders, limit);
    }

    /** {@link #lockValuesUnderOtherKeys}, for the encrypted defaults of secret extensions. */
    public List<Stored> lockDefaultsUnderOtherKeys(byte[] header, Collection<String> skippedHeaders, int limit) {
        return underOtherKeys(DEFAULTS_UNDER_OTHER_KEYS, header, skippedHeaders, limit);
    }

    /**
     * {@link #lockValuesUnderOtherKeys}, for the secrets of webhook endpoints: the key of each is
     * the column that holds it ({@code secret} or {@code previous_secret}); up to {@code limit}
     * endpoints.
     */
    public List<Stored> lockWebhookSecretsUnderOtherKeys(byte[] header, Collection<String> skippedHeaders, int limit) {
        return jdbc.prepareStatement(WEBHOOK_SECRETS_UNDER_OTHER_KEYS, statement -> {
            java.sql.Array skipped = statement.getConnection().createArrayOf("text", skippedHeaders.toArray());
            int parameter = 1;
            for (int column = 0; column < 3; column++) {
                statement.setBytes(parameter++, header);
                statement.setBytes(parameter++, header);
                statement.setArray(parameter++, skipped);
                if (column == 1) {
                    statement.setInt(parameter++, limit);
                }
            }
            return stored(statement);
        });
    }

    /** Stores webhook endpoints' secrets re-encrypted, each into the column its key names. */
    public void rewriteWebhookSecrets(List<Rewritten> secrets) {
        rewrite("""
                UPDATE webhook_endpoints w
                SET secret = CASE WHEN v.key = 'secret' THEN v.encrypted ELSE w.secret END,
                    previous_secret = CASE WHEN v.key = 'previous_secret' THEN v.encrypted ELSE w.previous_secret END
                FROM (SELECT ?::bytea AS encrypted, ?::uuid AS id, ?::text AS key) v
                WHERE w.id = v.id""", secrets);
    }

    /** How many encrypted values, defaults and webhook secrets do not start with {@code header}. */
    public long countUnderOtherKeys(byte[] header) {
        return jdbc.prepareStatement(COUNT_UNDER_OTHER_KEYS, statement -> {
            for (int i = 1; i <= 6; i++) {
                statement.setBytes(i, header);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong("remaining");
            }
        });
    }

    /**
     * Stores values encrypted: each replaces the plain value or the ciphertext of its instance and
     * key (both locked by this transaction).
     */
    public void rewriteValues(List<Rewritten> values) {
        rewrite("""
                UPDATE instance_extension_values SET value = NULL, encrypted_value = ?
                WHERE integration_pack_instance_id = ? AND key = ?""", values);
    }

    /** Stores defaults of secret extensions encrypted, replacing the plain default or the ciphertext. */
    public void rewriteDefaults(List<Rewritten> defaults) {
        rewrite("""
                UPDATE package_extensions SET default_value = NULL, encrypted_default_value = ?
                WHERE packaged_component_id = ? AND key = ?""", defaults);
    }

    private void rewrite(String sql, List<Rewritten> rewritten) {
        if (rewritten.isEmpty()) {
            return;
        }
        jdbc.prepareStatement(sql, statement -> {
            for (Rewritten one : rewritten) {
                statement.setBytes(1, one.encrypted());
                statement.setObject(2, one.ownerId());
                statement.setString(3, one.key());
                statement.addBatch();
            }
            return statement.executeBatch();
        });
    }

    private List<Stored> underOtherKeys(String sql, byte[] header, Collection<String> skippedHeaders, int limit) {
        return jdbc.prepareStatement(sql, statement -> {
            statement.setBytes(1, header);
            statement.setBytes(2, header);
            statement.setArray(3, statement.getConnection().createArrayOf("text", skippedHeaders.toArray()));
            statement.setInt(4, limit);
            return stored(statement);
        });
    }

    private static List<Stored> stored(PreparedStatement statement) throws SQLException {
        List<Stored> stored = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                stored.add(new Stored(
                        rows.getObject("owner_id", UUID.class),
                        rows.getString("key"),
                        null,
                        rows.getBytes("encrypted")));
            }
        }
        return stored;
    }
}
