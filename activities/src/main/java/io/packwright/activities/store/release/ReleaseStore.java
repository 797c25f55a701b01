package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.release.StartableRelease;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.managed.SecretSweepStore;
import io.packwright.workflows.release.ApplyMode;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import jakarta.inject.Singleton;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Releases as the api creates and reads them. The workflow side (applying a release, its status
 * transitions) is in {@link ReleaseFanOutStore}. Every method needs a surrounding transaction.
 */
@Singleton
public class ReleaseStore {

    // Instances still waiting for an open release r: those on an older release of the pack, less
    // the ones that failed to take r (they stay on their older release; an applied one is on r).
    // Counted on the (pack, installed release) index alone, without probing the ledger per instance,
    // so that the plan stays cheap however stale the statistics are during a large fan-out.
    private static final String REMAINING = """
            CASE WHEN r.status IN ('SCHEDULED', 'IN_PROGRESS') THEN (
                SELECT count(*) FROM integration_pack_instances i
                WHERE i.integration_pack_id = r.integration_pack_id
                  AND i.installed_release_id IN (SELECT o.id FROM releases o
                                                  WHERE o.integration_pack_id = r.integration_pack_id
                                                    AND o.release_number < r.release_number)) - live.failed
            ELSE 0 END""";

    /**
     * The counts of a release's ledger, for the release {@code r}: live while it is open; a terminal
     * release keeps the counts it had when it ended in its row (uninstalled instances leave its
     * ledger, not its history).
     */
    public static final String LEDGER_COUNTS = """
            SELECT count(*) FILTER (WHERE ri.status = 'APPLIED' AND ri.mode = 'MANUAL') AS manual,
                   count(*) FILTER (WHERE ri.status = 'APPLIED' AND ri.mode <> 'MANUAL') AS automatic,
                   count(*) FILTER (WHERE ri.status = 'FAILED') AS failed
            FROM release_instances ri WHERE ri.release_id = r.id""";

    private static final String SELECT = """
            SELECT r.id, r.integration_pack_id, p.name, r.partner_account_id, r.release_number, r.release_schedule,
                   r.release_on_date, r.window_start, r.window_end, r.status, r.release_notes, r.created_at,
                   r.started_at, r.completed_at, r.workflow_id,
                   CASE WHEN r.status IN ('SCHEDULED', 'IN_PROGRESS') THEN live.manual ELSE r.applied_manually END,
                   CASE WHEN r.status IN ('SCHEDULED', 'IN_PROGRESS') THEN live.automatic
                        ELSE r.applied_automatically END,
                   CASE WHEN r.status IN ('SCHEDULED', 'IN_PROGRESS') THEN live.failed ELSE r.failed END,
                   %s
            FROM releases r JOIN integration_packs p ON p.id = r.integration_pack_id
            LEFT JOIN LATERAL (%s) live ON r.status IN ('SCHEDULED', 'IN_PROGRESS')
            WHERE p.deleted_at IS NULL AND r.partner_account_id = ?
            """.formatted(REMAINING, LEDGER_COUNTS);

    private final JdbcOperations jdbc;
    private final SecretSweepStore secretSweeps;

    ReleaseStore(JdbcOperations jdbc, SecretSweepStore secretSweeps) {
        this.jdbc = jdbc;
        this.secretSweeps = secretSweeps;
    }

    /**
     * Extension keys that two members of {@code packId} declare differently (kind, required or secret)
     * in the packages a new release would take: their newest shareable ones. At most {@link
     * CappedList#SHOWN} of them, ordered by key and member names, and how many there are in all.
     *
     * @return one line per conflict, e.g. {@code 'apiKey' (Orders: required, Billing: optional)}
     */
    public CappedList<String> memberExtensionConflicts(UUID packId) {
        return jdbc.prepareStatement("""
                WITH newest AS (
                    SELECT m.component_id, c.name,
                           (SELECT pc.id FROM packaged_components pc
                             WHERE pc.component_id = m.component_id AND pc.shareable
                             ORDER BY pc.id DESC LIMIT 1) AS package_id
                    FROM integration_pack_members m JOIN components c ON c.id = m.component_id
                    WHERE m.integration_pack_id = ?),
                declared AS (
                    SELECT n.component_id, n.name, e.key, e.kind, e.required, e.secret
                    FROM newest n JOIN package_extensions e ON e.packaged_component_id = n.package_id)
                SELECT a.key, a.name AS a_name, a.kind AS a_kind, a.required AS a_required, a.secret AS a_secret,
                       b.name AS b_name, b.kind AS b_kind, b.required AS b_required, b.secret AS b_secret,
                       count(*) OVER () AS total
                FROM declared a JOIN declared b ON a.key = b.key AND a.component_id < b.component_id
                WHERE a.kind <> b.kind OR a.required <> b.required OR a.secret <> b.secret
                ORDER BY a.key, a.name, b.name LIMIT ?""", statement -> {
            statement.setObject(1, packId);
            statement.setInt(2, CappedList.SHOWN);
            List<String> conflicts = new ArrayList<>();
            long total = 0;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    conflicts.add("'" + rows.getString("key") + "' (" + rows.getString("a_name") + ": "
                            + settings(rows, "a_") + "; " + rows.getString("b_name") + ": " + settings(rows, "b_")
                            + ")");
                    total = rows.getLong("total");
                }
            }
            return new CappedList<>(conflicts, total);
        });
    }

    /**
     * Creates a release of the locked, live pack {@code release.integrationPackId()} with the next
     * release number and its members' newest shareable packages. An immediate release becomes the
     * pack's current release at once, {@code IN_PROGRESS}, and supersedes every open release of the
     * pack; a scheduled one is {@code SCHEDULED}. When the release makes keys secret that were not,
     * a sweep that encrypts their plain values is queued ({@link SecretSweepStore}).
     */
    public CreatedRelease create(NewRelease release) {
        boolean immediate = release.schedule() == ReleaseSchedule.IMMEDIATELY;
        ReleaseStatus status = immediate ? ReleaseStatus.IN_PROGRESS : ReleaseStatus.SCHEDULED;
        StartableRelease startable = jdbc.prepareStatement("""
                WITH pack AS (
                    UPDATE integration_packs SET last_release_number = last_release_number + 1
                    WHERE id = ? RETURNING id, name, partner_account_id, last_release_number)
                INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,
                                      release_on_date, window_start, window_end, status, release_notes, workflow_id,
                                      created_at, started_at)
                SELECT ?, pack.id, pack.partner_account_id, pack.last_release_number, ?, ?, ?, ?, ?, ?,
                       'integration-pack-' || pack.id || '-release-' || pack.last_release_number, ?, ?
                FROM pack
                RETURNING integration_pack_id, (SELECT name FROM pack), partner_account_id, release_number,
                          workflow_id""", statement -> {
            statement.setObject(1, release.integrationPackId());
            statement.setObject(2, release.id());
            statement.setString(3, release.schedule().name());
            statement.setObject(4, release.releaseOnDate() == null ? null : Date.valueOf(release.releaseOnDate()));
            statement.setTimestamp(5, timestamp(release.windowStart()));
            statement.setTimestamp(6, timestamp(release.windowEnd()));
            statement.setString(7, status.name());
            statement.setString(8, release.releaseNotes());
            statement.setTimestamp(9, Timestamp.from(release.now()));
            statement.setTimestamp(10, immediate ? Timestamp.from(release.now()) : null);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("pack " + release.integrationPackId() + " does not exist");
                }
                StartableRelease created = new StartableRelease(
                        release.id(),
                        rows.getObject(1, UUID.class),
                        rows.getString(2),
                        rows.getObject(3, UUID.class),
                        rows.getInt(4),
                        release.schedule(),
                        release.windowStart(),
                        release.windowEnd(),
                        rows.getString(5));
                if (!created.workflowId()
                        .equals(ReleaseWorkflow.workflowId(created.integrationPackId(), created.releaseNumber()))) {
                    throw new IllegalStateException("workflow ids of the store and the workflow contract differ");
                }
                return created;
            }
        });
        jdbc.prepareStatement("""
                INSERT INTO release_components (release_id, component_id, component_name, component_type,
                                                packaged_component_id, package_version)
                SELECT ?, c.id, c.name, c.type, pc.id, pc.package_version
                FROM integration_pack_members m
                JOIN components c ON c.id = m.component_id
                JOIN LATERAL (SELECT pc.id, pc.package_version FROM packaged_components pc
                               WHERE pc.component_id = m.component_id AND pc.shareable
                               ORDER BY pc.id DESC LIMIT 1) pc ON true
                WHERE m.integration_pack_id = ?""", statement -> {
            statement.setObject(1, release.id());
            statement.setObject(2, release.integrationPackId());
            return statement.executeUpdate();
        });
        // before the release becomes current or supersedes one: what was secret until now decides
        secretSweeps.queueKeysMadeSecretBy(release.id(), release.now());
        List<String> superseded = List.of();
        if (immediate) {
            superseded = supersedeOpenReleases(release);
            jdbc.prepareStatement("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", statement -> {
                statement.setObject(1, release.id());
                statement.setObject(2, release.integrationPackId());
                return statement.executeUpdate();
            });
        }
        return new CreatedRelease(startable, status, superseded);
    }

    private List<String> supersedeOpenReleases(NewRelease release) {
        return jdbc.prepareStatement("""
                UPDATE releases r
                SET status = 'SUPERSEDED', superseded_by_id = ?, completed_at = ?,
                    applied_manually = live.manual, applied_automatically = live.automatic, failed = live.failed
                FROM releases o CROSS JOIN LATERAL (%s) live
                WHERE o.id = r.id AND r.integration_pack_id = ? AND r.id <> ?
                  AND r.status IN ('SCHEDULED', 'IN_PROGRESS')
                RETURNING r.workflow_id""".formatted(LEDGER_COUNTS.replace("r.id", "o.id")), statement -> {
            statement.setObject(1, release.id());
            statement.setTimestamp(2, Timestamp.from(release.now()));
            statement.setObject(3, release.integrationPackId());
            statement.setObject(4, release.id());
            List<String> workflowIds = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    workflowIds.add(rows.getString(1));
                }
            }
            return workflowIds;
        });
    }

    /** The release {@code releaseId} of a live pack of {@code partnerAccountId}. */
    public Optional<ReleaseRecord> find(UUID partnerAccountId, UUID releaseId) {
        return withComponents(jdbc.prepareStatement(SELECT + " AND r.id = ?", statement -> {
                    statement.setObject(1, partnerAccountId);
                    statement.setObject(2, releaseId);
                    return releases(statement);
                }))
                .stream()
                .findFirst();
    }

    /**
     * One page of the releases of the live pack {@code packId} of {@code partnerAccountId}, newest
     * first (ids are time-ordered, and release numbers grow with them), <em>without</em> their
     * components: their {@code components()} are empty until {@link #withComponents} loads them, so
     * that a caller can cut the page by {@link #contentSizes} first and load only what it shows.
     *
     * @param before the id of the last release of the previous page, or the largest UUID
     */
    public List<ReleaseRecord> findPageWithoutComponents(UUID partnerAccountId, UUID packId, UUID before, int limit) {
        return jdbc.prepareStatement(
                SELECT + " AND r.integration_pack_id = ? AND r.id < ? ORDER BY r.id DESC LIMIT ?", statement -> {
                    statement.setObject(1, partnerAccountId);
                    statement.setObject(2, packId);
                    statement.setObject(3, before);
                    statement.setInt(4, limit);
                    return releases(statement);
                });
    }

    /**
     * How much the frozen content of each of {@code releaseIds} (the releases fetched for one page)
     * holds, without reading it: a release
     * without components is absent. {@code octet_length} of a stored text reads its length from the
     * value's header.
     */
    public Map<UUID, ContentSize> contentSizes(Collection<UUID> releaseIds) {
        Map<UUID, ContentSize> sizes = new HashMap<>();
        if (releaseIds.isEmpty()) {
            return sizes;
        }
        return jdbc.prepareStatement("""
                SELECT release_id, count(*) AS components,
                       sum(octet_length(component_name) + octet_length(component_type)
                           + octet_length(package_version)) AS text_bytes
                FROM release_components WHERE release_id = ANY (?)
                GROUP BY release_id""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", releaseIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    sizes.put(
                            rows.getObject("release_id", UUID.class),
                            new ContentSize(rows.getInt("components"), rows.getLong("text_bytes")));
                }
            }
            return sizes;
        });
    }

    /**
     * One page of the per-instance ledger of {@code release}, in instance id order: the instances
     * with an outcome, and, while the release is open, those still waiting for it ({@code PENDING}).
     * Instances installed directly on the release are on it without an outcome and are not listed.
     *
     * @param status only entries with this status, or all when {@code null}
     * @param after the last instance id of the previous page, or the nil UUID
     */
    public List<LedgerEntry> ledgerPage(
            ReleaseRecord release, @Nullable LedgerEntry.Status status, UUID after, int limit) {
        boolean open = release.status().isOpen();
        if (status == LedgerEntry.Status.PENDING && !open) {
            return List.of();
        }
        String outcome = status == null || status == LedgerEntry.Status.PENDING ? "" : " AND ri.status = ?";
        String sql = status == LedgerEntry.Status.APPLIED || status == LedgerEntry.Status.FAILED
                ? """
                  SELECT ri.integration_pack_instance_id, ri.account_id, ri.status, ri.mode, ri.applied_at,
                         ri.failure_reason
                  FROM release_instances ri
                  WHERE ri.release_id = ? AND ri.integration_pack_instance_id > ?%s
                  ORDER BY ri.integration_pack_instance_id LIMIT ?""".formatted(outcome)
                : """
                  SELECT i.id, i.account_id, ri.status, ri.mode, ri.applied_at, ri.failure_reason
                  FROM integration_pack_instances i
                  LEFT JOIN release_instances ri ON ri.release_id = ? AND ri.integration_pack_instance_id = i.id
                  WHERE i.integration_pack_id = ? AND i.id > ?
                    AND (%s (? AND ri.release_id IS NULL AND i.installed_release_id IN (
                            SELECT o.id FROM releases o
                             WHERE o.integration_pack_id = i.integration_pack_id AND o.release_number < ?)))
                  ORDER BY i.id LIMIT ?""".formatted(status == null ? "ri.release_id IS NOT NULL OR" : "");
        return jdbc.prepareStatement(sql, statement -> {
            int p = 1;
            statement.setObject(p++, release.id());
            if (status == LedgerEntry.Status.APPLIED || status == LedgerEntry.Status.FAILED) {
                statement.setObject(p++, after);
                statement.setString(p++, status.name());
            } else {
                statement.setObject(p++, release.integrationPackId());
                statement.setObject(p++, after);
                statement.setBoolean(p++, open);
                statement.setInt(p++, release.releaseNumber());
            }
            statement.setInt(p, limit);
            List<LedgerEntry> entries = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String outcomeStatus = rows.getString(3);
                    String mode = rows.getString(4);
                    entries.add(new LedgerEntry(
                            rows.getObject(1, UUID.class),
                            rows.getObject(2, UUID.class),
                            outcomeStatus == null
                                    ? LedgerEntry.Status.PENDING
                                    : LedgerEntry.Status.valueOf(outcomeStatus),
                            mode == null ? null : ApplyMode.valueOf(mode),
                            instant(rows, 5),
                            rows.getString(6)));
                }
            }
            return entries;
        });
    }

    /**
     * These releases (one page of them, or one) with their frozen content, loaded in one query: at
     * most {@code IntegrationPackStore.MAX_MEMBERS} components each, the members they were created
     * from.
     */
    public List<ReleaseRecord> withComponents(List<ReleaseRecord> releases) {
        if (releases.isEmpty()) {
            return releases;
        }
        Map<UUID, List<ReleaseRecord.Component>> components = new LinkedHashMap<>();
        releases.forEach(release -> components.put(release.id(), new ArrayList<>()));
        jdbc.prepareStatement("""
                SELECT release_id, component_id, component_name, component_type, packaged_component_id,
                       package_version
                FROM release_components WHERE release_id = ANY (?)
                ORDER BY component_name, component_id""", statement -> {
            statement.setArray(
                    1,
                    statement
                            .getConnection()
                            .createArrayOf("uuid", components.keySet().toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    components
                            .get(rows.getObject(1, UUID.class))
                            .add(new ReleaseRecord.Component(
                                    rows.getObject(2, UUID.class),
                                    rows.getString(3),
                                    rows.getString(4),
                                    rows.getObject(5, UUID.class),
                                    rows.getString(6)));
                }
            }
            return null;
        });
        return releases.stream()
                .map(r -> r.withComponents(components.get(r.id())))
                .toList();
    }

    private static List<ReleaseRecord> releases(PreparedStatement statement) throws SQLException {
        List<ReleaseRecord> releases = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                releases.add(new ReleaseRecord(
                        rows.getObject(1, UUID.class),
                        rows.getObject(2, UUID.class),
                        rows.getString(3),
                        rows.getObject(4, UUID.class),
                        rows.getInt(5),
                        ReleaseSchedule.valueOf(rows.getString(6)),
                        rows.getObject(7, LocalDate.class),
                        instant(rows, 8),
                        instant(rows, 9),
                        ReleaseStatus.valueOf(rows.getString(10)),
                        rows.getString(11),
                        instant(rows, 12),
                        instant(rows, 13),
                        instant(rows, 14),
                        rows.getString(15),
                        rows.getLong(16),
                        rows.getLong(17),
                        rows.getLong(18),
                        rows.getLong(19),
                        List.of()));
            }
        }
        return releases;
    }

    private static String settings(ResultSet rows, String prefix) throws SQLException {
        return rows.getString(prefix + "kind")
                + (rows.getBoolean(prefix + "required") ? ", required" : ", optional")
                + (rows.getBoolean(prefix + "secret") ? ", secret" : "");
    }

    private static Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        Timestamp timestamp = rows.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    /**
     * How much the frozen content of a release holds.
     *
     * @param components how many components it holds
     * @param textBytes the UTF-8 bytes of their names, types and package versions
     */
    public record ContentSize(int components, long textBytes) {

        /** A release without components. */
        public static final ContentSize NONE = new ContentSize(0, 0);
    }

    /**
     * A release that {@link #create} wrote.
     *
     * @param release what starting its workflow needs
     * @param status its initial status
     * @param supersededWorkflowIds the workflows of the releases it superseded, to cancel
     */
    public record CreatedRelease(StartableRelease release, ReleaseStatus status, List<String> supersededWorkflowIds) {}
}
