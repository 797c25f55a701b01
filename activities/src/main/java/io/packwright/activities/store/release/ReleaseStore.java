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

    /**
     * The instances still waiting for the release {@code r} while it is open, derived from the
     * counters of migration V8 without counting anything: the pack's instances less those that run
     * {@code r} or a newer release (at most the one scheduled after it: a newer immediate release
     * supersedes every open one) and less those that failed to take {@code r} (they stay on their
     * older release). Needs {@code counts}, the row of {@code release_counts} for {@code r}.
     */
    private static final String REMAINING = """
            CASE WHEN r.status IN """ + ReleaseStatus.OPEN_SQL + """
            THEN greatest(0,
                (SELECT COALESCE(sum(pc.instances), 0) FROM pack_instance_counts pc
                  WHERE pc.integration_pack_id = r.integration_pack_id)
                - (SELECT COALESCE(sum(rp.installed), 0) FROM releases o
                    JOIN release_progress rp ON rp.release_id = o.id
                    WHERE o.integration_pack_id = r.integration_pack_id AND o.release_number >= r.release_number)
                - counts.failed)
            ELSE 0 END""";

    private static final String SELECT = """
            SELECT r.id, r.integration_pack_id, p.name AS pack_name, r.partner_account_id, r.release_number,
                   r.release_schedule, r.release_on_date, r.window_start, r.window_end, r.status, r.release_notes,
                   r.created_at, r.started_at, r.completed_at, r.workflow_id, r.content_of_release_number,
                   r.status_reason, r.rollout_soak_minutes, r.rollout_max_failed_percent,
                   counts.applied_manually,
                   counts.applied_automatically, counts.failed, counts.deployed, counts.deployment_failed, counts.reverted,
                   """ + REMAINING + """
             AS remaining
            FROM releases r JOIN integration_packs p ON p.id = r.integration_pack_id
            JOIN release_counts counts ON counts.release_id = r.id
            WHERE p.deleted_at IS NULL AND r.partner_account_id = ?
            """;

    /**
     * What a new release of pack {@code ?} holds: each member with its newest shareable package.
     * Columns: component_id, component_name, component_type, packaged_component_id, package_version.
     */
    private static final String NEWEST_CONTENT = """
            SELECT c.id AS component_id, c.name AS component_name, c.type AS component_type,
                   pc.id AS packaged_component_id, pc.package_version
            FROM integration_pack_members m
            JOIN components c ON c.id = m.component_id
            JOIN LATERAL (SELECT pc.id, pc.package_version FROM packaged_components pc
                           WHERE pc.component_id = m.component_id AND pc.shareable
                           ORDER BY pc.id DESC LIMIT 1) pc ON true
            WHERE m.integration_pack_id = ?""";

    /** What a rollback of pack {@code ?} to its release number {@code ?} holds: that release's packages, as frozen. */
    private static final String CONTENT_OF = """
            SELECT rc.component_id, rc.component_name, rc.component_type, rc.packaged_component_id, rc.package_version
            FROM release_components rc JOIN releases s ON s.id = rc.release_id
            WHERE s.integration_pack_id = ? AND s.release_number = ?""";

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
                    WHERE id = ? RETURNING id, name, partner_account_id, last_release_number, current_release_id)
                INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,
                                      release_on_date, window_start, window_end, status, release_notes, workflow_id,
                                      created_at, started_at, content_of_release_number, rollout_soak_minutes,
                                      rollout_max_failed_percent, previous_current_release_id)
                SELECT ?, pack.id, pack.partner_account_id, pack.last_release_number, ?, ?, ?, ?, ?, ?,
                       'integration-pack-' || pack.id || '-release-' || pack.last_release_number, ?, ?, ?, ?, ?,
                       CASE WHEN ? THEN pack.current_release_id END
                FROM pack
                RETURNING integration_pack_id, (SELECT name FROM pack) AS pack_name, partner_account_id,
                          release_number, workflow_id""", statement -> {
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
            statement.setObject(11, release.contentOf(), java.sql.Types.INTEGER);
            NewRelease.Rollout rollout = release.rollout();
            statement.setObject(12, rollout == null ? null : rollout.soakMinutes(), java.sql.Types.INTEGER);
            statement.setObject(13, rollout == null ? null : rollout.maxFailedPercent(), java.sql.Types.INTEGER);
            // an immediate release is current at once: an abort makes the one before it current again
            statement.setBoolean(14, immediate);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("pack " + release.integrationPackId() + " does not exist");
                }
                StartableRelease created = new StartableRelease(
                        release.id(),
                        rows.getObject("integration_pack_id", UUID.class),
                        rows.getString("pack_name"),
                        rows.getObject("partner_account_id", UUID.class),
                        rows.getInt("release_number"),
                        release.schedule(),
                        release.windowStart(),
                        release.windowEnd(),
                        rows.getString("workflow_id"));
                if (!created.workflowId()
                        .equals(ReleaseWorkflow.workflowId(created.integrationPackId(), created.releaseNumber()))) {
                    throw new IllegalStateException("workflow ids of the store and the workflow contract differ");
                }
                return created;
            }
        });
        jdbc.prepareStatement(
                "INSERT INTO release_components (release_id, component_id, component_name, component_type,"
                        + " packaged_component_id, package_version) SELECT ?, content.* FROM ("
                        + content(release.contentOf()) + ") content",
                statement -> {
                    statement.setObject(1, release.id());
                    bindContent(statement, 2, release.integrationPackId(), release.contentOf());
                    return statement.executeUpdate();
                });
        if (release.rollout() != null) {
            insertWaves(release.id(), release.rollout().waves());
        }
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

    private void insertWaves(UUID releaseId, List<WaveTarget> waves) {
        jdbc.prepareStatement(
                "INSERT INTO release_waves (release_id, wave, percent, account_group_id) VALUES (?, ?, ?, ?)",
                statement -> {
                    for (int wave = 0; wave < waves.size(); wave++) {
                        statement.setObject(1, releaseId);
                        statement.setInt(2, wave);
                        statement.setObject(3, waves.get(wave).percent(), java.sql.Types.INTEGER);
                        statement.setObject(4, waves.get(wave).accountGroupId());
                        statement.addBatch();
                    }
                    return statement.executeBatch();
                });
    }

    /**
     * Supersedes every other open release of the pack; their counters keep the figures they have
     * now (migration V8 stops counting removed ledger rows of a terminal release).
     */
    private List<String> supersedeOpenReleases(NewRelease release) {
        return jdbc.prepareStatement("""
                UPDATE releases r SET status = 'SUPERSEDED', superseded_by_id = ?, completed_at = ?
                WHERE r.integration_pack_id = ? AND r.id <> ? AND r.status IN """ + ReleaseStatus.OPEN_SQL + """

                RETURNING r.workflow_id""", statement -> {
            statement.setObject(1, release.id());
            statement.setTimestamp(2, Timestamp.from(release.now()));
            statement.setObject(3, release.integrationPackId());
            statement.setObject(4, release.id());
            List<String> workflowIds = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    workflowIds.add(rows.getString("workflow_id"));
                }
            }
            return workflowIds;
        });
    }

    /** The query of what a new release holds ({@link #NEWEST_CONTENT} or, for a rollback, {@link #CONTENT_OF}). */
    private static String content(@Nullable Integer contentOf) {
        return contentOf == null ? NEWEST_CONTENT : CONTENT_OF;
    }

    /** Binds {@link #content}'s parameters from {@code index}. */
    private static void bindContent(PreparedStatement statement, int index, UUID packId, @Nullable Integer contentOf)
            throws SQLException {
        statement.setObject(index, packId);
        if (contentOf != null) {
            statement.setInt(index + 1, contentOf);
        }
    }

    /**
     * What a release of {@code packId} created now would hold (with {@code contentOf}: a rollback to
     * that release), ordered by component name: the content a preview shows.
     */
    public List<ReleaseRecord.Component> prospectiveContent(UUID packId, @Nullable Integer contentOf) {
        return jdbc.prepareStatement(
                "SELECT * FROM (" + content(contentOf) + ") content (component_id, component_name, component_type,"
                        + " packaged_component_id, package_version) ORDER BY component_name, component_id",
                statement -> {
                    bindContent(statement, 1, packId, contentOf);
                    List<ReleaseRecord.Component> content = new ArrayList<>();
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            content.add(component(rows));
                        }
                    }
                    return content;
                });
    }

    /**
     * What a rollback to the pack's release {@code releaseNumber} would hold, compared with the
     * pack's newest release.
     *
     * @param exists whether the pack has that release
     * @param differs whether its packages differ from the newest release's
     * @param newestNumber the newest release's number
     */
    public record RollbackSource(boolean exists, boolean differs, int newestNumber) {}

    /** Whether the (locked) pack has release {@code releaseNumber}, and whether its content differs from the newest. */
    public RollbackSource rollbackSource(UUID packId, int releaseNumber) {
        return jdbc.prepareStatement("""
                WITH source AS (SELECT id FROM releases WHERE integration_pack_id = ? AND release_number = ?),
                     newest AS (SELECT id, release_number FROM releases WHERE integration_pack_id = ?
                                ORDER BY release_number DESC LIMIT 1)
                SELECT EXISTS (SELECT 1 FROM source) AS present,
                       (SELECT release_number FROM newest) AS newest_number,
                       EXISTS (
                           (SELECT component_id, packaged_component_id FROM release_components
                            WHERE release_id = (SELECT id FROM source)
                            EXCEPT SELECT component_id, packaged_component_id FROM release_components
                            WHERE release_id = (SELECT id FROM newest))
                           UNION ALL
                           (SELECT component_id, packaged_component_id FROM release_components
                            WHERE release_id = (SELECT id FROM newest)
                            EXCEPT SELECT component_id, packaged_component_id FROM release_components
                            WHERE release_id = (SELECT id FROM source))) AS differs""", statement -> {
            statement.setObject(1, packId);
            statement.setInt(2, releaseNumber);
            statement.setObject(3, packId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new RollbackSource(
                        row.getBoolean("present"), row.getBoolean("differs"), row.getInt("newest_number"));
            }
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
        if (status != null && status != LedgerEntry.Status.PENDING) {
            return ledgerEntries(LEDGER_BY_OUTCOME, release.id(), after, status.name(), limit);
        }
        return ledgerEntries(
                status == null ? LEDGER_WITH_PENDING : LEDGER_PENDING,
                release.id(),
                release.integrationPackId(),
                after,
                open,
                release.releaseNumber(),
                limit);
    }

    /** The ledger rows of release {@code ?} with an instance id {@code > ?} and the outcome {@code ?}. */
    private static final String LEDGER_BY_OUTCOME = """
            SELECT ri.integration_pack_instance_id AS instance_id, ri.account_id, ri.status, ri.mode, ri.applied_at,
                   ri.failure_reason, ri.attempts, ri.reverted_at
            FROM release_instances ri
            WHERE ri.release_id = ? AND ri.integration_pack_instance_id > ? AND ri.status = ?
            ORDER BY ri.integration_pack_instance_id LIMIT ?""";

    /**
     * The instances of the pack that wait for the release {@code ri.release_id} while it is open
     * (the release's number is a parameter): on an older release and without an outcome.
     */
    private static final String WAITING = """
            (? AND ri.release_id IS NULL AND i.installed_release_id IN (
                SELECT o.id FROM releases o
                WHERE o.integration_pack_id = i.integration_pack_id AND o.release_number < ?))""";

    /** The pack's instances joined to their ledger rows of a release; a query adds which ones. */
    private static final String INSTANCES_WITH_LEDGER = """
            SELECT i.id AS instance_id, i.account_id, ri.status, ri.mode, ri.applied_at, ri.failure_reason,
                   ri.attempts, ri.reverted_at
            FROM integration_pack_instances i
            LEFT JOIN release_instances ri ON ri.release_id = ? AND ri.integration_pack_instance_id = i.id
            WHERE i.integration_pack_id = ? AND i.id > ?
            """;

    /** The ledger rows of a release and the instances waiting for it, in instance id order. */
    private static final String LEDGER_WITH_PENDING =
            INSTANCES_WITH_LEDGER + " AND (ri.release_id IS NOT NULL OR " + WAITING + ") ORDER BY i.id LIMIT ?";

    /** The instances waiting for a release, in instance id order. */
    private static final String LEDGER_PENDING = INSTANCES_WITH_LEDGER + " AND " + WAITING + " ORDER BY i.id LIMIT ?";

    private List<LedgerEntry> ledgerEntries(String sql, Object... parameters) {
        return jdbc.prepareStatement(sql, statement -> {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<LedgerEntry> entries = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String outcome = rows.getString("status");
                    String mode = rows.getString("mode");
                    entries.add(new LedgerEntry(
                            rows.getObject("instance_id", UUID.class),
                            rows.getObject("account_id", UUID.class),
                            outcome == null ? LedgerEntry.Status.PENDING : LedgerEntry.Status.valueOf(outcome),
                            mode == null ? null : ApplyMode.valueOf(mode),
                            instant(rows, "applied_at"),
                            rows.getString("failure_reason"),
                            outcome == null ? 0 : rows.getInt("attempts"),
                            instant(rows, "reverted_at")));
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
        Map<UUID, List<ReleaseRecord.Component>> components =
                components(releases.stream().map(ReleaseRecord::id).toList());
        Map<UUID, List<ReleaseRollout.Wave>> waves = waves(releases.stream()
                .filter(r -> r.rollout() != null)
                .map(ReleaseRecord::id)
                .toList());
        return releases.stream()
                .map(r -> r.withDetails(
                        components.get(r.id()),
                        r.rollout() == null
                                ? null
                                : new ReleaseRollout(
                                        r.rollout().soakMinutes(),
                                        r.rollout().maxFailedPercent(),
                                        waves.getOrDefault(r.id(), List.of()))))
                .toList();
    }

    /** The waves of these staged releases, in order, with their outcomes from the counters of migration V16. */
    private Map<UUID, List<ReleaseRollout.Wave>> waves(Collection<UUID> releaseIds) {
        Map<UUID, List<ReleaseRollout.Wave>> waves = new LinkedHashMap<>();
        if (releaseIds.isEmpty()) {
            return waves;
        }
        jdbc.prepareStatement("""
                SELECT w.release_id, w.wave, w.percent, w.account_group_id, w.state, w.instances, w.soak_until,
                       COALESCE(sum(p.applied), 0) AS applied, COALESCE(sum(p.failed), 0) AS failed
                FROM release_waves w
                LEFT JOIN release_wave_progress p ON p.release_id = w.release_id AND p.wave = w.wave
                WHERE w.release_id = ANY (?)
                GROUP BY w.release_id, w.wave
                ORDER BY w.release_id, w.wave""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", releaseIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Integer percent = rows.getObject("percent", Integer.class);
                    waves.computeIfAbsent(rows.getObject("release_id", UUID.class), id -> new ArrayList<>())
                            .add(new ReleaseRollout.Wave(
                                    new WaveTarget(percent, rows.getObject("account_group_id", UUID.class)),
                                    ReleaseRollout.WaveState.valueOf(rows.getString("state")),
                                    rows.getLong("instances"),
                                    rows.getLong("applied"),
                                    rows.getLong("failed"),
                                    instant(rows, "soak_until")));
                }
            }
            return null;
        });
        return waves;
    }

    /**
     * The frozen content of these releases (one page of them, or a few), by release, each ordered by
     * component name: at most {@code IntegrationPackStore.MAX_MEMBERS} components each. Every given
     * release maps to a list, empty when it has no components.
     */
    public Map<UUID, List<ReleaseRecord.Component>> components(Collection<UUID> releaseIds) {
        Map<UUID, List<ReleaseRecord.Component>> components = new LinkedHashMap<>();
        releaseIds.forEach(id -> components.put(id, new ArrayList<>()));
        if (releaseIds.isEmpty()) {
            return components;
        }
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
                    components.get(rows.getObject("release_id", UUID.class)).add(component(rows));
                }
            }
            return null;
        });
        return components;
    }

    private static List<ReleaseRecord> releases(PreparedStatement statement) throws SQLException {
        List<ReleaseRecord> releases = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                releases.add(new ReleaseRecord(
                        rows.getObject("id", UUID.class),
                        rows.getObject("integration_pack_id", UUID.class),
                        rows.getString("pack_name"),
                        rows.getObject("partner_account_id", UUID.class),
                        rows.getInt("release_number"),
                        ReleaseSchedule.valueOf(rows.getString("release_schedule")),
                        rows.getObject("release_on_date", LocalDate.class),
                        instant(rows, "window_start"),
                        instant(rows, "window_end"),
                        ReleaseStatus.valueOf(rows.getString("status")),
                        rows.getString("release_notes"),
                        instant(rows, "created_at"),
                        instant(rows, "started_at"),
                        instant(rows, "completed_at"),
                        rows.getString("workflow_id"),
                        rows.getObject("content_of_release_number", Integer.class),
                        rows.getLong("applied_manually"),
                        rows.getLong("applied_automatically"),
                        rows.getLong("failed"),
                        rows.getLong("remaining"),
                        rows.getLong("deployed"),
                        rows.getLong("deployment_failed"),
                        rows.getLong("reverted"),
                        rows.getString("status_reason"),
                        rows.getObject("rollout_soak_minutes") == null
                                ? null
                                : new ReleaseRollout(
                                        rows.getInt("rollout_soak_minutes"),
                                        rows.getInt("rollout_max_failed_percent"),
                                        List.of()),
                        List.of()));
            }
        }
        return releases;
    }

    /** A component of a release's content, from a row of release_components' columns. */
    static ReleaseRecord.Component component(ResultSet rows) throws SQLException {
        return new ReleaseRecord.Component(
                rows.getObject("component_id", UUID.class),
                rows.getString("component_name"),
                rows.getString("component_type"),
                rows.getObject("packaged_component_id", UUID.class),
                rows.getString("package_version"));
    }

    private static String settings(ResultSet rows, String prefix) throws SQLException {
        return rows.getString(prefix + "kind")
                + (rows.getBoolean(prefix + "required") ? ", required" : ", optional")
                + (rows.getBoolean(prefix + "secret") ? ", secret" : "");
    }

    private static Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
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
