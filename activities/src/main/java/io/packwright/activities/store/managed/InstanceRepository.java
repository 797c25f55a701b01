package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.packwright.workflows.release.ReleaseStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Integration pack instances of managed accounts (their extension values are in {@link
 * ExtensionValueStore}, their environments in {@link EnvironmentAttachmentRepository}, their manual
 * applies in {@link ApplyRequestRepository}). Reads are scoped by the owning account, and an
 * instance of a deleted pack is treated as nonexistent. Every method needs a surrounding
 * transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface InstanceRepository extends GenericRepository<InstanceEntity, UUID> {

    /**
     * The release that an instance {@code i} on release {@code r} is waiting for: the pack's newest
     * open release that is newer than {@code r} and has no outcome for {@code i} yet (a scheduled
     * one in its testing period, or one being applied right now).
     */
    String PENDING_FOR_INSTANCE = """
            SELECT pr.id, pr.release_number, pr.release_on_date, pr.window_start, pr.status, pr.workflow_id
            FROM releases pr
            WHERE pr.integration_pack_id = i.integration_pack_id AND pr.status IN """ + ReleaseStatus.OPEN_SQL + """

              AND pr.release_number > r.release_number
              AND NOT EXISTS (SELECT 1 FROM release_instances ri
                               WHERE ri.release_id = pr.id AND ri.integration_pack_instance_id = i.id)
            ORDER BY pr.release_number DESC LIMIT 1""";

    /** The columns of {@link Instance} for the account's instances {@code i} of live packs. */
    String INSTANCE = """
            SELECT i.id, i.account_id, i.integration_pack_id AS pack_id, p.name AS pack_name, p.installation_type,
                   i.override_name, i.installed_release_id, r.release_number AS installed_release_number,
                   i.created_at, pend.release_number AS pending_release_number,
                   pend.release_on_date AS pending_release_on_date, pend.window_start AS pending_window_start
            FROM integration_pack_instances i
            JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NULL
            JOIN releases r ON r.id = i.installed_release_id
            LEFT JOIN LATERAL (""" + PENDING_FOR_INSTANCE + """
            ) pend ON true
            WHERE i.account_id = :accountId
            """;

    /**
     * Creates an instance unless the account already has the pack's SINGLE instance or a MULTI
     * instance of this name. Race-free: of concurrent installs, the unique indexes let exactly one
     * insert.
     *
     * @return 1 when created, 0 when taken
     */
    @Query("""
            INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                    installed_release_id, created_at, updated_at)
            VALUES (:id, :accountId, :packId, :overrideName, :releaseId, :now, :now) ON CONFLICT DO NOTHING""")
    int insertUnlessTaken(
            UUID id, UUID accountId, UUID packId, @Nullable String overrideName, UUID releaseId, Instant now);

    /** The account's instance {@code id}. */
    @Query(INSTANCE + "AND i.id = :id")
    Optional<Instance> findOwned(UUID id, UUID accountId);

    /**
     * Locks the account's instance {@code id} ({@code FOR UPDATE}) against concurrent changes and
     * deletion until this transaction ends.
     *
     * @return its id; empty when it does not exist (or its pack is deleted)
     */
    @Query("""
            SELECT i.id FROM integration_pack_instances i
            WHERE i.id = :id AND i.account_id = :accountId
              AND EXISTS (SELECT 1 FROM integration_packs p WHERE p.id = i.integration_pack_id AND p.deleted_at IS NULL)
            FOR UPDATE OF i""")
    Optional<UUID> lockOwned(UUID id, UUID accountId);

    /**
     * One page of the account's instances in creation order.
     *
     * @param accountId the managed account
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query(INSTANCE + "AND i.id > :after ORDER BY i.id LIMIT :limit")
    List<Instance> findPage(UUID accountId, UUID after, int limit);

    /**
     * How much each of {@code instanceIds} (the instances fetched for one page, not empty) embeds,
     * counted from index entries and stored lengths without reading the values: {@code
     * octet_length} of a stored text reads its length from the value's header.
     */
    @Query("""
            SELECT i.id AS instance_id, v.extension_values, v.text_bytes, v.secret_values, a.environments,
                   d.deployments, d.deployment_text_bytes
            FROM integration_pack_instances i
            CROSS JOIN LATERAL (
                SELECT count(*) AS extension_values,
                       COALESCE(sum(octet_length(key) + COALESCE(octet_length(value), 0)), 0) AS text_bytes,
                       count(*) FILTER (WHERE encrypted_value IS NOT NULL) AS secret_values
                FROM instance_extension_values WHERE integration_pack_instance_id = i.id) v
            CROSS JOIN LATERAL (
                SELECT count(*) AS environments
                FROM environment_attachments WHERE integration_pack_instance_id = i.id) a
            CROSS JOIN LATERAL (
                SELECT count(*) AS deployments, COALESCE(sum(octet_length(message)), 0) AS deployment_text_bytes
                FROM instance_deployments WHERE integration_pack_instance_id = i.id) d
            WHERE i.id IN (:instanceIds)""")
    List<EmbeddedSize> findEmbeddedSizes(Collection<UUID> instanceIds);

    /** {@link #findEmbeddedSizes} by instance; an unknown instance is absent. */
    default Map<UUID, EmbeddedSize> embeddedSizes(Collection<UUID> instanceIds) {
        Map<UUID, EmbeddedSize> sizes = new HashMap<>();
        if (!instanceIds.isEmpty()) {
            findEmbeddedSizes(instanceIds).forEach(size -> sizes.put(size.instanceId(), size));
        }
        return sizes;
    }

    /**
     * Deletes (uninstalls) the account's instance {@code id} with its values and attachments.
     *
     * @return 1 when deleted, 0 when it did not exist (or its pack is deleted)
     */
    @Query("""
            DELETE FROM integration_pack_instances i
            WHERE i.id = :id AND i.account_id = :accountId
              AND EXISTS (SELECT 1 FROM integration_packs p
                           WHERE p.id = i.integration_pack_id AND p.deleted_at IS NULL)""")
    int deleteOwned(UUID id, UUID accountId);

    /** Marks an instance as changed now. */
    @Query("UPDATE integration_pack_instances SET updated_at = :now WHERE id = :id")
    void touch(UUID id, Instant now);
}
