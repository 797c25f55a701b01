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
 * What an environment must run, read for one of its runtimes. Runtimes wake together when a
 * release reaches their environments, and each of them reads at once, so a read costs two
 * statements and no transaction: {@link #findPage} (which instances, and how big) and {@link
 * #findContent} (what they carry). Each statement sees one snapshot and returns the environment's
 * revision in it; since every change of the state bumps the revision in its own transaction, equal
 * revisions mean that both statements saw the same state (else the reader reads again).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DesiredStateRepository extends GenericRepository<EnvironmentEntity, UUID> {

    /**
     * The revision of the runtime's environment; empty when the runtime was revoked (or its
     * environment deleted).
     */
    @Query("""
            SELECT e.revision FROM runtimes r JOIN environments e ON e.id = r.environment_id
            WHERE r.id = :runtimeId""")
    Optional<Long> findRevision(UUID runtimeId);

    /**
     * The revision of the runtime's environment and one page of the instances attached to it (of
     * live packs), by instance id, with the sizes of what their deployments embed (computed for the
     * page's rows only). No row when the runtime was revoked; one row without an instance when the
     * page is empty.
     *
     * @param after the last instance id of the previous page, or the nil UUID for the first page
     */
    @Query("""
            SELECT e.revision, page.*
            FROM runtimes rt
            JOIN environments e ON e.id = rt.environment_id
            LEFT JOIN LATERAL (
                SELECT i.id AS instance_id, i.integration_pack_id AS pack_id, p.name AS pack_name, i.override_name,
                       i.installed_release_id AS release_id, r.release_number,
                       v.entries AS value_entries, v.text_bytes AS value_bytes,
                       d.entries AS default_entries, d.text_bytes AS default_bytes,
                       c.entries AS components, c.text_bytes AS component_bytes
                FROM environment_attachments a
                JOIN integration_pack_instances i ON i.id = a.integration_pack_instance_id
                JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NULL
                JOIN releases r ON r.id = i.installed_release_id
                CROSS JOIN LATERAL (
                    SELECT count(*) AS entries,
                           COALESCE(sum(octet_length(key)
                               + COALESCE(octet_length(value), octet_length(encrypted_value))), 0) AS text_bytes
                    FROM instance_extension_values WHERE integration_pack_instance_id = i.id) v
                CROSS JOIN LATERAL (
                    SELECT count(*) AS entries,
                           COALESCE(sum(octet_length(pe.key) + COALESCE(octet_length(pe.default_value),
                               octet_length(pe.encrypted_default_value), 0)), 0) AS text_bytes
                    FROM release_components rc
                    JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
                    WHERE rc.release_id = i.installed_release_id) d
                CROSS JOIN LATERAL (
                    SELECT count(*) AS entries,
                           COALESCE(sum(octet_length(component_name) + octet_length(component_type)
                               + octet_length(package_version)), 0) AS text_bytes
                    FROM release_components WHERE release_id = i.installed_release_id) c
                WHERE a.environment_id = e.id AND a.integration_pack_instance_id > :after
                ORDER BY a.integration_pack_instance_id LIMIT :limit) page ON true
            WHERE rt.id = :runtimeId
            ORDER BY page.instance_id""")
    List<AttachedInstance> findPage(UUID runtimeId, UUID after, int limit);

    /**
     * What the deployments of these instances (the kept rows of a page) carry, with the revision of
     * the runtime's environment. No row when the runtime was revoked.
     *
     * @param instanceIds not empty
     */
    @Query("""
            SELECT e.revision, i.id AS instance_id,
                   (SELECT json_agg(json_build_object(
                               'componentId', rc.component_id, 'componentName', rc.component_name,
                               'componentType', rc.component_type, 'packageId', rc.packaged_component_id,
                               'packageVersion', rc.package_version) ORDER BY rc.component_name, rc.component_id)
                    FROM release_components rc WHERE rc.release_id = i.installed_release_id)::text AS components,
                   (SELECT json_agg(json_build_object(
                               'key', d.key, 'packageId', d.packaged_component_id, 'defaultValue', d.default_value,
                               'encryptedDefaultHex', encode(d.encrypted_default_value, 'hex')) ORDER BY d.key)
                    FROM (SELECT DISTINCT ON (pe.key) pe.key, pe.packaged_component_id, pe.default_value,
                                 pe.encrypted_default_value
                          FROM release_components rc
                          JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
                          WHERE rc.release_id = i.installed_release_id
                          ORDER BY pe.key, rc.component_id) d)::text AS declared,
                   (SELECT json_agg(json_build_object(
                               'key', v.key, 'value', v.value, 'encryptedHex', encode(v.encrypted_value, 'hex')))
                    FROM instance_extension_values v WHERE v.integration_pack_instance_id = i.id)::text AS extension_values
            FROM runtimes rt
            JOIN environments e ON e.id = rt.environment_id
            JOIN integration_pack_instances i ON i.id IN (:instanceIds)
            WHERE rt.id = :runtimeId""")
    List<DeploymentContent> findContent(UUID runtimeId, Collection<UUID> instanceIds);
}
