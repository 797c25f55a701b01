package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.activities.store.pack.PackSummary;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Integration pack instances of managed accounts, their extension values and environment
 * attachments. Reads are scoped by the owning account, and an instance of a deleted pack is
 * treated as nonexistent. Every method needs a surrounding transaction.
 */
@Singleton
public class InstanceStore {

    /**
     * A pack that an account may install, locked against deletion.
     *
     * @param id the pack
     * @param name its name
     * @param installationType SINGLE or MULTI
     * @param currentReleaseId its current release, if any
     */
    public record InstallablePack(
            UUID id,
            String name,
            InstallationType installationType,
            @Nullable UUID currentReleaseId) {}

    /**
     * An extension that a release declares, merged over the release's packages.
     *
     * @param key its key
     * @param mustBeGiven declared by the installed release as {@code required} without default value
     * @param secret whether its values are secret
     */
    public record DeclaredExtension(String key, boolean mustBeGiven, boolean secret) {}

    /**
     * An instance.
     *
     * @param id the instance
     * @param accountId its account
     * @param packId its pack
     * @param packName the pack's name
     * @param installationType the pack's installation type
     * @param overrideName its name, for MULTI packs
     * @param installedReleaseId the release it runs
     * @param installedReleaseNumber that release's number
     * @param createdAt when it was installed
     * @param pendingUpdate the newest open release of the pack that is newer than the installed one
     *     and has no outcome for the instance yet: scheduled (in its testing period) or being applied
     */
    public record Instance(
            UUID id,
            UUID accountId,
            UUID packId,
            String packName,
            InstallationType installationType,
            @Nullable String overrideName,
            UUID installedReleaseId,
            int installedReleaseNumber,
            Instant createdAt,
            @Nullable PackSummary.Pending pendingUpdate) {}

    /**
     * A stored extension value: plain, or encrypted for a secret extension.
     *
     * @param key its key
     * @param value the plain value, {@code null} for a secret
     * @param encryptedValue the encrypted value of a secret, else {@code null}
     */
    public record StoredValue(
            String key, @Nullable String value, @Nullable byte[] encryptedValue) {}

    // The release that an instance i on release r is waiting for: the pack's newest open release
    // that is newer than r and has no outcome for i yet (a scheduled one in its testing period, or
    // one being applied right now).
    private static final String PENDING_FOR_INSTANCE = """
            SELECT pr.id, pr.release_number, pr.release_on_date, pr.window_start, pr.status, pr.workflow_id
            FROM releases pr
            WHERE pr.integration_pack_id = i.integration_pack_id AND pr.status IN ('SCHEDULED', 'IN_PROGRESS')
              AND pr.release_number > r.release_number
              AND NOT EXISTS (SELECT 1 FROM release_instances ri
                               WHERE ri.release_id = pr.id AND ri.integration_pack_instance_id = i.id)
            ORDER BY pr.release_number DESC LIMIT 1""";

    private static final String INSTANCE = """
            SELECT i.id, i.account_id, i.integration_pack_id, p.name, p.installation_type, i.override_name,
                   i.installed_release_id, r.release_number, i.created_at,
                   pend.release_number, pend.release_on_date, pend.window_start
            FROM integration_pack_instances i
            JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NULL
            JOIN releases r ON r.id = i.installed_release_id
            LEFT JOIN LATERAL (%s) pend ON true
            WHERE i.account_id = ?""".formatted(PENDING_FOR_INSTANCE);

    private final JdbcOperations jdbc;

    InstanceStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The pack {@code packId} if it is visible to {@code accountId}, read {@code FOR SHARE}: until
     * this transaction ends it cannot be deleted, and the visibility (including {@code deleted_at})
     * is evaluated again on the locked row.
     */
    public Optional<InstallablePack> lockVisiblePack(UUID packId, UUID accountId) {
        return jdbc
                .prepareStatement(
                        "SELECT p.id, p.name, p.installation_type, p.current_release_id FROM integration_packs p"
                                + " WHERE p.id = ? AND "
                                + AccountGroupRepository.PACK_VISIBLE_TO_ACCOUNT.replace(":accountId", "?")
                                + " FOR SHARE OF p",
                        statement -> {
                            statement.setObject(1, packId);
                            statement.setObject(2, accountId);
                            try (ResultSet rows = statement.executeQuery()) {
                                if (!rows.next()) {
                                    return List.<InstallablePack>of();
                                }
                                return List.of(new InstallablePack(
                                        rows.getObject(1, UUID.class),
                                        rows.getString(2),
                                        InstallationType.valueOf(rows.getString(3)),
                                        rows.getObject(4, UUID.class)));
                            }
                        })
                .stream()
                .findFirst();
    }

    /**
     * The extensions declared by the packages of {@code installedReleaseId} and of the pack's
     * pending release, by key.
     */
    public Map<String, DeclaredExtension> declaredExtensions(UUID packId, UUID installedReleaseId) {
        return jdbc.prepareStatement("""
                SELECT pe.key,
                       bool_or(rc.release_id = ? AND pe.required AND pe.default_value IS NULL),
                       bool_or(pe.secret)
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
                    declared.put(
                            rows.getString(1),
                            new DeclaredExtension(rows.getString(1), rows.getBoolean(2), rows.getBoolean(3)));
                }
            }
            return declared;
        });
    }

    /**
     * Creates an instance unless the account already has the pack's SINGLE instance or a MULTI
     * instance of this name. Race-free: of concurrent installs, the unique indexes let exactly one
     * insert.
     *
     * @return whether it was created
     */
    public boolean insertUnlessTaken(
            UUID id, UUID accountId, UUID packId, @Nullable String overrideName, UUID releaseId, Instant now) {
        return jdbc.prepareStatement("""
                        INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                                installed_release_id, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", statement -> {
                    statement.setObject(1, id);
                    statement.setObject(2, accountId);
                    statement.setObject(3, packId);
                    statement.setString(4, overrideName);
                    statement.setObject(5, releaseId);
                    statement.setTimestamp(6, Timestamp.from(now));
                    statement.setTimestamp(7, Timestamp.from(now));
                    return statement.executeUpdate();
                })
                > 0;
    }

    /** The account's instance {@code id}. */
    public Optional<Instance> findOwned(UUID id, UUID accountId) {
        return jdbc
                .prepareStatement(INSTANCE + " AND i.id = ?", statement -> {
                    statement.setObject(1, accountId);
                    statement.setObject(2, id);
                    return instances(statement);
                })
                .stream()
                .findFirst();
    }

    /**
     * Locks the account's instance {@code id} ({@code FOR UPDATE}) against concurrent changes and
     * deletion until this transaction ends.
     *
     * @return whether it exists (and its pack is live)
     */
    public boolean lockOwned(UUID id, UUID accountId) {
        return jdbc.prepareStatement("""
                SELECT 1 FROM integration_pack_instances i
                WHERE i.id = ? AND i.account_id = ?
                  AND EXISTS (SELECT 1 FROM integration_packs p WHERE p.id = i.integration_pack_id AND p.deleted_at IS NULL)
                FOR UPDATE OF i""", statement -> {
            statement.setObject(1, id);
            statement.setObject(2, accountId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        });
    }

    /** One page of the account's instances in creation order. */
    public List<Instance> findPage(UUID accountId, UUID after, int limit) {
        return jdbc.prepareStatement(INSTANCE + " AND i.id > ? ORDER BY i.id LIMIT ?", statement -> {
            statement.setObject(1, accountId);
            statement.setObject(2, after);
            statement.setInt(3, limit);
            return instances(statement);
        });
    }

    /**
     * Deletes (uninstalls) the account's instance {@code id} with its values and attachments.
     *
     * @return whether it existed
     */
    public boolean deleteOwned(UUID id, UUID accountId) {
        return jdbc.prepareStatement("""
                        DELETE FROM integration_pack_instances i
                        WHERE i.id = ? AND i.account_id = ?
                          AND EXISTS (SELECT 1 FROM integration_packs p
                                       WHERE p.id = i.integration_pack_id AND p.deleted_at IS NULL)""", statement -> {
                    statement.setObject(1, id);
                    statement.setObject(2, accountId);
                    return statement.executeUpdate();
                })
                > 0;
    }

    /**
     * The release that the instance {@code instanceId} is waiting for, if any (see {@link
     * Instance#pendingUpdate()}).
     */
    public Optional<PendingApply> pendingApply(UUID instanceId) {
        return jdbc
                .prepareStatement("""
                        SELECT pend.id, pend.release_number, pend.status, pend.workflow_id
                        FROM integration_pack_instances i
                        JOIN releases r ON r.id = i.installed_release_id
                        JOIN LATERAL (%s) pend ON true
                        WHERE i.id = ?""".formatted(PENDING_FOR_INSTANCE), statement -> {
                    statement.setObject(1, instanceId);
                    try (ResultSet rows = statement.executeQuery()) {
                        return rows.next()
                                ? List.of(new PendingApply(
                                        rows.getObject(1, UUID.class),
                                        rows.getInt(2),
                                        ReleaseStatus.valueOf(rows.getString(3)),
                                        rows.getString(4)))
                                : List.<PendingApply>of();
                    }
                })
                .stream()
                .findFirst();
    }

    /**
     * The extension keys that {@code releaseId} requires without a default value and that the
     * instance has no value for: while there are any, the instance cannot take the release.
     */
    public List<String> missingRequiredExtensions(UUID instanceId, UUID releaseId) {
        return jdbc.prepareStatement("""
                SELECT k.key FROM (%s) k
                WHERE NOT EXISTS (SELECT 1 FROM instance_extension_values v
                                   WHERE v.integration_pack_instance_id = ? AND v.key = k.key)
                ORDER BY k.key""".formatted(ReleaseFanOutStore.REQUIRED_KEYS), statement -> {
            statement.setObject(1, releaseId);
            statement.setObject(2, instanceId);
            List<String> keys = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
            return keys;
        });
    }

    /**
     * Queues a manual apply of {@code releaseId} to the instance, durably, before its workflow is
     * signalled. Asking again while one is queued changes nothing.
     */
    public void requestApply(UUID releaseId, UUID instanceId, Instant now) {
        jdbc.prepareStatement("""
                INSERT INTO release_apply_requests (release_id, integration_pack_instance_id, requested_at)
                VALUES (?, ?, ?) ON CONFLICT DO NOTHING""", statement -> {
            statement.setObject(1, releaseId);
            statement.setObject(2, instanceId);
            statement.setTimestamp(3, Timestamp.from(now));
            return statement.executeUpdate();
        });
    }

    /**
     * Whether the instance already has an open release of its pack applied (for instance applied
     * manually during the testing period): applying the pending update again has nothing to do.
     */
    public boolean hasOpenReleaseApplied(UUID instanceId) {
        return jdbc.prepareStatement("""
                SELECT 1 FROM release_instances ri JOIN releases r ON r.id = ri.release_id
                WHERE ri.integration_pack_instance_id = ? AND ri.status = 'APPLIED'
                  AND r.status IN ('SCHEDULED', 'IN_PROGRESS')""", statement -> {
            statement.setObject(1, instanceId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        });
    }

    /** Whether a manual apply of {@code releaseId} to the instance is queued and not handled yet. */
    public boolean isApplyQueued(UUID releaseId, UUID instanceId) {
        return jdbc.prepareStatement(
                "SELECT 1 FROM release_apply_requests WHERE release_id = ? AND integration_pack_instance_id = ?",
                statement -> {
                    statement.setObject(1, releaseId);
                    statement.setObject(2, instanceId);
                    try (ResultSet rows = statement.executeQuery()) {
                        return rows.next();
                    }
                });
    }

    /**
     * The release an instance is waiting for.
     *
     * @param releaseId the release
     * @param releaseNumber its number
     * @param status {@code SCHEDULED} (may be applied manually) or {@code IN_PROGRESS} (being applied)
     * @param workflowId its workflow
     */
    public record PendingApply(UUID releaseId, int releaseNumber, ReleaseStatus status, String workflowId) {}

    /** The stored extension values of these instances, by instance, then by key. */
    public Map<UUID, List<StoredValue>> values(Collection<UUID> instanceIds) {
        Map<UUID, List<StoredValue>> values = new LinkedHashMap<>();
        if (instanceIds.isEmpty()) {
            return values;
        }
        return jdbc.prepareStatement("""
                SELECT integration_pack_instance_id, key, value, encrypted_value FROM instance_extension_values
                WHERE integration_pack_instance_id = ANY (?) ORDER BY integration_pack_instance_id, key""", statement -> {
            statement.setArray(1, uuids(statement, instanceIds));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.computeIfAbsent(rows.getObject(1, UUID.class), id -> new ArrayList<>())
                            .add(new StoredValue(rows.getString(2), rows.getString(3), rows.getBytes(4)));
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

    /** Marks an instance as changed now. */
    public void touch(UUID instanceId, Instant now) {
        jdbc.prepareStatement("UPDATE integration_pack_instances SET updated_at = ? WHERE id = ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, instanceId);
            return statement.executeUpdate();
        });
    }

    /** The environments attached to these instances, by instance, in attachment order. */
    public Map<UUID, List<UUID>> environmentIds(Collection<UUID> instanceIds) {
        Map<UUID, List<UUID>> environments = new LinkedHashMap<>();
        if (instanceIds.isEmpty()) {
            return environments;
        }
        return jdbc.prepareStatement("""
                SELECT integration_pack_instance_id, environment_id FROM environment_attachments
                WHERE integration_pack_instance_id = ANY (?) ORDER BY integration_pack_instance_id, id""", statement -> {
            statement.setArray(1, uuids(statement, instanceIds));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    environments
                            .computeIfAbsent(rows.getObject(1, UUID.class), id -> new ArrayList<>())
                            .add(rows.getObject(2, UUID.class));
                }
            }
            return environments;
        });
    }

    /**
     * Attaches an environment to an instance unless it is attached already.
     *
     * @return whether it was attached now
     */
    public boolean attach(UUID id, UUID environmentId, UUID instanceId, Instant now) {
        return jdbc.prepareStatement("""
                        INSERT INTO environment_attachments (id, environment_id, integration_pack_instance_id, created_at)
                        VALUES (?, ?, ?, ?)
                        ON CONFLICT ON CONSTRAINT environment_attachments_unique DO NOTHING""", statement -> {
                    statement.setObject(1, id);
                    statement.setObject(2, environmentId);
                    statement.setObject(3, instanceId);
                    statement.setTimestamp(4, Timestamp.from(now));
                    return statement.executeUpdate();
                })
                > 0;
    }

    /**
     * Detaches an environment from an instance.
     *
     * @return whether it was attached
     */
    public boolean detach(UUID environmentId, UUID instanceId) {
        return jdbc.prepareStatement(
                        "DELETE FROM environment_attachments WHERE environment_id = ? AND integration_pack_instance_id = ?",
                        statement -> {
                            statement.setObject(1, environmentId);
                            statement.setObject(2, instanceId);
                            return statement.executeUpdate();
                        })
                > 0;
    }

    private static Array uuids(PreparedStatement statement, Collection<UUID> ids) throws SQLException {
        return statement.getConnection().createArrayOf("uuid", ids.toArray());
    }

    private static List<Instance> instances(PreparedStatement statement) throws SQLException {
        List<Instance> instances = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                int pendingNumber = rows.getInt(10);
                PackSummary.Pending pending = rows.wasNull()
                        ? null
                        : new PackSummary.Pending(
                                pendingNumber,
                                rows.getObject(11, LocalDate.class),
                                rows.getTimestamp(12).toInstant());
                instances.add(new Instance(
                        rows.getObject(1, UUID.class),
                        rows.getObject(2, UUID.class),
                        rows.getObject(3, UUID.class),
                        rows.getString(4),
                        InstallationType.valueOf(rows.getString(5)),
                        rows.getString(6),
                        rows.getObject(7, UUID.class),
                        rows.getInt(8),
                        rows.getTimestamp(9).toInstant(),
                        pending));
            }
        }
        return instances;
    }
}
