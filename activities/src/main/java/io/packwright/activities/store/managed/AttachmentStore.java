package io.packwright.activities.store.managed;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.Timestamp;
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
@Singleton
public class AttachmentStore {

    /**
     * The most environments attached to one instance: an instance response lists them all ({@code
     * environmentIds}), so that list must stay short whatever number of environments an account has.
     */
    public static final int MAX_ENVIRONMENTS_PER_INSTANCE = 100;

    private final JdbcOperations jdbc;

    AttachmentStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The environments attached to these instances (one page of them, or one), by instance, in
     * attachment order: at most {@link #MAX_ENVIRONMENTS_PER_INSTANCE} each.
     */
    public Map<UUID, List<UUID>> environmentIds(Collection<UUID> instanceIds) {
        Map<UUID, List<UUID>> environments = new LinkedHashMap<>();
        if (instanceIds.isEmpty()) {
            return environments;
        }
        return jdbc.prepareStatement("""
                SELECT integration_pack_instance_id, environment_id FROM environment_attachments
                WHERE integration_pack_instance_id = ANY (?) ORDER BY integration_pack_instance_id, id""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", instanceIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    environments
                            .computeIfAbsent(
                                    rows.getObject("integration_pack_instance_id", UUID.class), id -> new ArrayList<>())
                            .add(rows.getObject("environment_id", UUID.class));
                }
            }
            return environments;
        });
    }

    /** How many environments are attached to the instance. */
    public int countEnvironments(UUID instanceId) {
        return jdbc.prepareStatement(
                "SELECT count(*) AS environments FROM environment_attachments WHERE integration_pack_instance_id = ?",
                statement -> {
                    statement.setObject(1, instanceId);
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        return rows.getInt("environments");
                    }
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
}
