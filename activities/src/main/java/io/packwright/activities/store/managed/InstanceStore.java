package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.activities.store.pack.InstallationType;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Integration pack instances of managed accounts (their extension values are in {@link
 * ExtensionValueStore}, their environments in {@link AttachmentStore}, their manual applies in
 * {@link ApplyRequestStore}). Reads are scoped by the owning account, and an instance of a deleted
 * pack is treated as nonexistent. Every method needs a surrounding transaction.
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
            @Nullable PendingUpdate pendingUpdate) {}

    /**
     * The release an instance waits for.
     *
     * @param releaseNumber its number
     * @param releaseOnDate its date; {@code null} for an immediate release being applied
     * @param windowStart when it is applied to everyone; {@code null} for an immediate release being
     *     applied
     */
    public record PendingUpdate(
            int releaseNumber,
            @Nullable LocalDate releaseOnDate,
            @Nullable Instant windowStart) {}

    /**
     * How much an instance's response embeds, to estimate its size before it is loaded.
     *
     * @param extensionValues how many extension values it has
     * @param textBytes the UTF-8 bytes of their keys and of the plain (not secret) values
     * @param secretValues how many of the values are secret (never shown, so their length does not
     *     count)
     * @param environments how many environments are attached to it
     */
    public record EmbeddedSize(int extensionValues, long textBytes, int secretValues, int environments) {

        /** An instance without values and environments. */
        public static final EmbeddedSize NONE = new EmbeddedSize(0, 0, 0, 0);
    }

    /**
     * The release that an instance {@code i} on release {@code r} is waiting for: the pack's newest
     * open release that is newer than {@code r} and has no outcome for {@code i} yet (a scheduled
     * one in its testing period, or one being applied right now).
     */
    static final String PENDING_FOR_INSTANCE = """
            SELECT pr.id, pr.release_number, pr.release_on_date, pr.window_start, pr.status, pr.workflow_id
            FROM releases pr
            WHERE pr.integration_pack_id = i.integration_pack_id AND pr.status IN ('SCHEDULED', 'IN_PROGRESS')
              AND pr.release_number > r.release_number
              AND NOT EXISTS (SELECT 1 FROM release_instances ri
                               WHERE ri.release_id = pr.id AND ri.integration_pack_instance_id = i.id)
            ORDER BY pr.release_number DESC LIMIT 1""";

    private static final String INSTANCE = """
            SELECT i.id, i.account_id, i.integration_pack_id, p.name AS pack_name, p.installation_type,
                   i.override_name, i.installed_release_id, r.release_number AS installed_number, i.created_at,
                   pend.release_number AS pending_number, pend.release_on_date, pend.window_start
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
                                + " JOIN accounts acting ON acting.id = ? WHERE p.id = ? AND "
                                + AccountGroupRepository.PACK_VISIBLE_TO_ACCOUNT
                                + " FOR SHARE OF p",
                        statement -> {
                            statement.setObject(1, accountId);
                            statement.setObject(2, packId);
                            try (ResultSet rows = statement.executeQuery()) {
                                if (!rows.next()) {
                                    return List.<InstallablePack>of();
                                }
                                return List.of(new InstallablePack(
                                        rows.getObject("id", UUID.class),
                                        rows.getString("name"),
                                        InstallationType.valueOf(rows.getString("installation_type")),
                                        rows.getObject("current_release_id", UUID.class)));
                            }
                        })
                .stream()
                .findFirst();
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
     * How much each of {@code instanceIds} (the instances fetched for one page) embeds (extension
     * values and environments), counted from
     * index entries and stored lengths without reading the values: {@code octet_length} of a stored
     * text reads its length from the value's header.
     */
    public Map<UUID, EmbeddedSize> embeddedSizes(Collection<UUID> instanceIds) {
        Map<UUID, EmbeddedSize> sizes = new HashMap<>();
        if (instanceIds.isEmpty()) {
            return sizes;
        }
        return jdbc.prepareStatement("""
                SELECT i.id, v.value_count, v.text_bytes, v.secret_count, a.environment_count
                FROM unnest(?::uuid[]) AS i (id)
                CROSS JOIN LATERAL (
                    SELECT count(*) AS value_count,
                           COALESCE(sum(octet_length(key) + COALESCE(octet_length(value), 0)), 0) AS text_bytes,
                           count(*) FILTER (WHERE encrypted_value IS NOT NULL) AS secret_count
                    FROM instance_extension_values WHERE integration_pack_instance_id = i.id) v
                CROSS JOIN LATERAL (
                    SELECT count(*) AS environment_count
                    FROM environment_attachments WHERE integration_pack_instance_id = i.id) a""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", instanceIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    sizes.put(
                            rows.getObject("id", UUID.class),
                            new EmbeddedSize(
                                    rows.getInt("value_count"),
                                    rows.getLong("text_bytes"),
                                    rows.getInt("secret_count"),
                                    rows.getInt("environment_count")));
                }
            }
            return sizes;
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

    /** Marks an instance as changed now. */
    public void touch(UUID instanceId, Instant now) {
        jdbc.prepareStatement("UPDATE integration_pack_instances SET updated_at = ? WHERE id = ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, instanceId);
            return statement.executeUpdate();
        });
    }

    private static List<Instance> instances(PreparedStatement statement) throws SQLException {
        List<Instance> instances = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                int pendingNumber = rows.getInt("pending_number");
                PendingUpdate pending = rows.wasNull()
                        ? null
                        : new PendingUpdate(
                                pendingNumber,
                                rows.getObject("release_on_date", LocalDate.class),
                                instant(rows.getTimestamp("window_start")));
                instances.add(new Instance(
                        rows.getObject("id", UUID.class),
                        rows.getObject("account_id", UUID.class),
                        rows.getObject("integration_pack_id", UUID.class),
                        rows.getString("pack_name"),
                        InstallationType.valueOf(rows.getString("installation_type")),
                        rows.getString("override_name"),
                        rows.getObject("installed_release_id", UUID.class),
                        rows.getInt("installed_number"),
                        rows.getTimestamp("created_at").toInstant(),
                        pending));
            }
        }
        return instances;
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
