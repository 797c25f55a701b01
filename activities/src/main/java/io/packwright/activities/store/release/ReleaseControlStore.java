package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.inject.Singleton;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * The partner's control of a release: reschedule, cancel, pause, resume, promote and abort. Each is
 * one conditional update of the release row (and what goes with it), so that a release changes only
 * from the statuses the action is allowed from, however requests and the workflow race; the caller
 * signals the release's workflow once the transaction has committed, and the workflow reads the row.
 * A running fan-out batch sees the new status in its closing status check ({@link
 * ReleaseFanOutStore}) and rolls back, so a pause or an abort stops the fan-out within one batch,
 * signal or not. Every method needs a surrounding transaction.
 */
@Singleton
public class ReleaseControlStore {

    /**
     * What a control action did.
     *
     * @param changed whether the release was in a status the action applies to, and changed
     * @param status its status after the call
     * @param workflowId its workflow, to signal
     */
    public record Outcome(boolean changed, ReleaseStatus status, String workflowId) {}

    private final JdbcOperations jdbc;

    ReleaseControlStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Moves a {@code SCHEDULED} release to another day and window. */
    public Outcome reschedule(UUID releaseId, LocalDate releaseOnDate, Instant windowStart, Instant windowEnd) {
        return change(
                """
                UPDATE releases SET release_on_date = ?, window_start = ?, window_end = ?
                WHERE id = ? AND status = 'SCHEDULED' RETURNING status, workflow_id""",
                releaseId,
                Date.valueOf(releaseOnDate),
                Timestamp.from(windowStart),
                Timestamp.from(windowEnd),
                releaseId);
    }

    /**
     * {@code SCHEDULED → CANCELLED}: it is never applied. Its queued manual applies are dropped (their
     * waiters are notified); the instances that applied it manually are put back by its workflow.
     */
    public Outcome cancel(UUID releaseId, @Nullable String reason, Instant now) {
        Outcome outcome = change("""
                UPDATE releases SET status = 'CANCELLED', status_reason = ?, completed_at = ?
                WHERE id = ? AND status = 'SCHEDULED' RETURNING status, workflow_id""", releaseId, reason, Timestamp.from(now), releaseId);
        if (outcome.changed()) {
            dropRequests(releaseId);
        }
        return outcome;
    }

    /** {@code IN_PROGRESS → PAUSED}, with the partner's reason. */
    public Outcome pause(UUID releaseId, @Nullable String reason) {
        return change("""
                UPDATE releases SET status = 'PAUSED', status_reason = ?
                WHERE id = ? AND status = 'IN_PROGRESS' RETURNING status, workflow_id""", releaseId, reason, releaseId);
    }

    /** {@code PAUSED → IN_PROGRESS}; the reason it was paused for is cleared. */
    public Outcome resume(UUID releaseId) {
        return change("""
                UPDATE releases SET status = 'IN_PROGRESS', status_reason = NULL
                WHERE id = ? AND status = 'PAUSED' RETURNING status, workflow_id""", releaseId, releaseId);
    }

    /**
     * Ends the soak of an {@code IN_PROGRESS} release's soaking wave now.
     *
     * @return changed when a wave soaked; unchanged with the status {@code IN_PROGRESS} when none does
     */
    public Outcome promote(UUID releaseId, Instant now) {
        Outcome current = current(releaseId);
        if (current.status() != ReleaseStatus.IN_PROGRESS) {
            return current;
        }
        int promoted = jdbc.prepareStatement("""
                UPDATE release_waves w SET soak_until = LEAST(w.soak_until, ?)
                FROM releases r
                WHERE w.release_id = ? AND w.state = 'SOAKING' AND r.id = w.release_id AND r.status = 'IN_PROGRESS'""", statement -> {
            bind(statement, Timestamp.from(now), releaseId);
            return statement.executeUpdate();
        });
        return new Outcome(promoted > 0, current.status(), current.workflowId());
    }

    /**
     * {@code IN_PROGRESS} or {@code PAUSED} → {@code ABORTED}: it applies nothing more, its pack's
     * current release returns to the one before it (when it is still the current one), its queued
     * manual applies are dropped. The instances it updated are put back by its workflow. Locks the
     * pack before the release, as opening a release does.
     */
    public Outcome abort(UUID releaseId, @Nullable String reason, Instant now) {
        jdbc.prepareStatement("""
                SELECT p.id FROM integration_packs p
                WHERE p.id = (SELECT r.integration_pack_id FROM releases r WHERE r.id = ?)
                FOR NO KEY UPDATE OF p""", statement -> {
            bind(statement, releaseId);
            return statement.executeQuery().next();
        });
        Outcome outcome = change("""
                UPDATE releases SET status = 'ABORTED', status_reason = ?, completed_at = ?
                WHERE id = ? AND status IN ('IN_PROGRESS', 'PAUSED') RETURNING status, workflow_id""", releaseId, reason, Timestamp.from(now), releaseId);
        if (outcome.changed()) {
            jdbc.prepareStatement("""
                    UPDATE integration_packs p SET current_release_id = r.previous_current_release_id
                    FROM releases r
                    WHERE r.id = ? AND p.id = r.integration_pack_id AND p.current_release_id = r.id""", statement -> {
                bind(statement, releaseId);
                return statement.executeUpdate();
            });
            // the wave being applied or soaked ends with the release; later waves stay PENDING (never run)
            jdbc.prepareStatement("""
                    UPDATE release_waves SET state = 'DONE', soak_until = NULL, finished_at = COALESCE(finished_at, ?)
                    WHERE release_id = ? AND state IN ('APPLYING', 'SOAKING')""", statement -> {
                bind(statement, Timestamp.from(now), releaseId);
                return statement.executeUpdate();
            });
            dropRequests(releaseId);
        }
        return outcome;
    }

    /** Runs the conditional update {@code sql}; when it changed nothing, reads the release's status as it is. */
    private Outcome change(String sql, UUID releaseId, Object... parameters) {
        Optional<Outcome> changed = jdbc.prepareStatement(sql, statement -> {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Outcome(
                                true, ReleaseStatus.valueOf(rows.getString("status")), rows.getString("workflow_id")))
                        : Optional.empty();
            }
        });
        return changed.orElseGet(() -> current(releaseId));
    }

    private Outcome current(UUID releaseId) {
        return jdbc.prepareStatement("SELECT status, workflow_id FROM releases WHERE id = ?", statement -> {
            bind(statement, releaseId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new ReleaseNotFoundException(releaseId);
                }
                return new Outcome(
                        false, ReleaseStatus.valueOf(rows.getString("status")), rows.getString("workflow_id"));
            }
        });
    }

    private void dropRequests(UUID releaseId) {
        jdbc.prepareStatement(ReleaseFanOutStore.DROP_REQUESTS, statement -> {
            bind(statement, releaseId, NotificationChannel.APPLY_REQUEST_HANDLED.channel());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        });
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
