package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.release.StartableRelease;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The releases that are not terminal yet ({@code SCHEDULED} or {@code IN_PROGRESS}) of packs that
 * are not deleted: the releases whose workflow must be running. Read in keyset pages over the
 * partial index {@code releases_open_idx}, so a scan costs the open releases, never the history.
 * Needs a surrounding transaction.
 */
@Singleton
public class OpenReleaseStore {

    /**
     * An open release, as its workflow is started.
     *
     * @param release what starting its workflow needs
     * @param status {@code SCHEDULED} or {@code IN_PROGRESS}
     */
    public record OpenRelease(StartableRelease release, ReleaseStatus status) {}

    private static final String PAGE = """
            SELECT r.id, r.integration_pack_id, p.name AS pack_name, r.partner_account_id, r.release_number,
                   r.release_schedule, r.window_start, r.window_end, r.workflow_id, r.status
            FROM releases r
            JOIN integration_packs p ON p.id = r.integration_pack_id AND p.deleted_at IS NULL
            WHERE r.status IN """ + ReleaseStatus.OPEN_SQL + """
            AND r.id > ?
            ORDER BY r.id
            LIMIT ?""";

    private static final UUID FIRST = new UUID(0, 0);

    private final JdbcOperations jdbc;

    OpenReleaseStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One page of open releases of live packs, in id (creation) order.
     *
     * @param after the last release id of the previous page, {@code null} for the first page
     * @param limit the most releases to return
     */
    public List<OpenRelease> findPage(@Nullable UUID after, int limit) {
        return jdbc.prepareStatement(PAGE, statement -> {
            // the nil UUID sorts before every id, and keeps "r.id > ?" an index range condition
            statement.setObject(1, after == null ? FIRST : after);
            statement.setInt(2, limit);
            List<OpenRelease> page = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    page.add(new OpenRelease(
                            new StartableRelease(
                                    rows.getObject("id", UUID.class),
                                    rows.getObject("integration_pack_id", UUID.class),
                                    rows.getString("pack_name"),
                                    rows.getObject("partner_account_id", UUID.class),
                                    rows.getInt("release_number"),
                                    ReleaseSchedule.valueOf(rows.getString("release_schedule")),
                                    instant(rows, "window_start"),
                                    instant(rows, "window_end"),
                                    rows.getString("workflow_id")),
                            ReleaseStatus.valueOf(rows.getString("status"))));
                }
            }
            return page;
        });
    }

    /**
     * How many releases of live packs have each status, for the operators' gauge: one grouped scan of
     * the releases (not of their instances), every status present with 0 when none has it.
     */
    public Map<ReleaseStatus, Long> countByStatus() {
        return jdbc.prepareStatement("""
                SELECT r.status, count(*) AS releases
                FROM releases r JOIN integration_packs p ON p.id = r.integration_pack_id AND p.deleted_at IS NULL
                GROUP BY r.status""", statement -> {
            Map<ReleaseStatus, Long> counts = new EnumMap<>(ReleaseStatus.class);
            for (ReleaseStatus status : ReleaseStatus.values()) {
                counts.put(status, 0L);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(ReleaseStatus.valueOf(rows.getString("status")), rows.getLong("releases"));
                }
            }
            return counts;
        });
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp timestamp = rows.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
