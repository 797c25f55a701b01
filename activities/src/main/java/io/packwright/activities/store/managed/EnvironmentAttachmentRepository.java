package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which environments the integration pack instances are attached to. The caller checks that
 * instance and environment belong to the same account. Every method needs a surrounding
 * transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface EnvironmentAttachmentRepository extends GenericRepository<EnvironmentAttachmentEntity, UUID> {

    /**
     * The most environments attached to one instance: an instance response lists them all ({@code
     * environmentIds}), so that list must stay short whatever number of environments an account has.
     */
    int MAX_ENVIRONMENTS_PER_INSTANCE = 100;

    /**
     * The attachments of these instances (one page of them, or one), by instance, in attachment
     * order: at most {@link #MAX_ENVIRONMENTS_PER_INSTANCE} each.
     *
     * @param instanceIds not empty
     */
    @Query("""
            SELECT * FROM environment_attachments WHERE integration_pack_instance_id IN (:instanceIds)
            ORDER BY integration_pack_instance_id, id""")
    List<EnvironmentAttachmentEntity> findByInstances(Collection<UUID> instanceIds);

    /**
     * The environments attached to these instances (one page of them, or one), by instance, in
     * attachment order; an instance without environments is absent.
     */
    default Map<UUID, List<UUID>> environmentIds(Collection<UUID> instanceIds) {
        Map<UUID, List<UUID>> environments = new LinkedHashMap<>();
        if (!instanceIds.isEmpty()) {
            for (EnvironmentAttachmentEntity attachment : findByInstances(instanceIds)) {
                environments
                        .computeIfAbsent(attachment.integrationPackInstanceId(), id -> new ArrayList<>())
                        .add(attachment.environmentId());
            }
        }
        return environments;
    }

    /** How many environments are attached to the instance. */
    @Query("SELECT count(*) FROM environment_attachments WHERE integration_pack_instance_id = :instanceId")
    int countByInstance(UUID instanceId);

    /**
     * Attaches an environment to an instance unless it is attached already. Race-free: of two
     * concurrent attachments of one environment the second inserts nothing.
     *
     * @return 1 when attached now, 0 when it was attached already
     */
    @Query("""
            INSERT INTO environment_attachments (id, environment_id, integration_pack_instance_id, created_at)
            VALUES (:id, :environmentId, :instanceId, :createdAt)
            ON CONFLICT ON CONSTRAINT environment_attachments_unique DO NOTHING""")
    int attachUnlessAttached(UUID id, UUID environmentId, UUID instanceId, Instant createdAt);

    /**
     * Detaches an environment from an instance.
     *
     * @return 1 when detached, 0 when it was not attached
     */
    @Query("DELETE FROM environment_attachments WHERE environment_id = :environmentId"
            + " AND integration_pack_instance_id = :instanceId")
    int detach(UUID environmentId, UUID instanceId);
}
