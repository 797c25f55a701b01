package io.packwright.activities.store.runtime;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.packwright.activities.store.managed.EnvironmentEntity;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What an environment must run, read for its runtimes: its revision and the instances attached to
 * it (of live packs) with the releases they run. Read the revision and the pages of one answer in
 * one repeatable-read transaction, so that they describe the same state.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DesiredStateRepository extends GenericRepository<EnvironmentEntity, UUID> {

    /** The environment's revision; empty when it does not exist. */
    @Query("SELECT revision FROM environments WHERE id = :environmentId")
    Optional<Long> findRevision(UUID environmentId);

    /**
     * One page of the instances attached to the environment, by instance id.
     *
     * @param after the last instance id of the previous page, or the nil UUID for the first page
     */
    @Query("""
            SELECT i.id AS instance_id, i.integration_pack_id AS pack_id, p.name AS pack_name, i.override_name,
                   i.installed_release_id AS release_id, r.release_number
            FROM environment_attachments a
            JOIN integration_pack_instances i ON i.id = a.integration_pack_instance_id
            JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NULL
            JOIN releases r ON r.id = i.installed_release_id
            WHERE a.environment_id = :environmentId AND a.integration_pack_instance_id > :after
            ORDER BY a.integration_pack_instance_id LIMIT :limit""")
    List<AttachedInstance> findAttachedPage(UUID environmentId, UUID after, int limit);

    /**
     * The extensions that these releases (the few of one page) declare, one per release and key.
     *
     * @param releaseIds not empty
     */
    @Query("""
            SELECT DISTINCT ON (rc.release_id, pe.key)
                   rc.release_id, pe.key, pe.packaged_component_id AS package_id, pe.default_value,
                   pe.encrypted_default_value
            FROM release_components rc
            JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
            WHERE rc.release_id IN (:releaseIds)
            ORDER BY rc.release_id, pe.key, rc.component_id""")
    List<DeclaredExtension> findDeclaredExtensions(Collection<UUID> releaseIds);

    /**
     * How much the extension values of each of these instances (the fetched page, not empty) hold;
     * an instance without values is absent.
     */
    @Query("""
            SELECT integration_pack_instance_id AS owner_id, count(*) AS entries,
                   sum(octet_length(key) + COALESCE(octet_length(value), octet_length(encrypted_value))) AS text_bytes
            FROM instance_extension_values WHERE integration_pack_instance_id IN (:instanceIds)
            GROUP BY integration_pack_instance_id""")
    List<EmbeddedBytes> findValueSizes(Collection<UUID> instanceIds);

    /**
     * How much the extensions declared by each of these releases (of the fetched page, not empty)
     * hold with their defaults; a release without extensions is absent.
     */
    @Query("""
            SELECT rc.release_id AS owner_id, count(*) AS entries,
                   sum(octet_length(pe.key)
                       + COALESCE(octet_length(pe.default_value), octet_length(pe.encrypted_default_value), 0))
                       AS text_bytes
            FROM release_components rc
            JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
            WHERE rc.release_id IN (:releaseIds)
            GROUP BY rc.release_id""")
    List<EmbeddedBytes> findDefaultSizes(Collection<UUID> releaseIds);
}
