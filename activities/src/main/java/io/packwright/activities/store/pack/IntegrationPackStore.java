package io.packwright.activities.store.pack;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.component.ExtensionKind;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Live integration packs as clients see them, and their contents. A pack's summary (current and
 * pending release, unreleased changes, member count) is computed by one query for a whole page of
 * packs: each pack costs a few index probes per member, never a query of its own. "The newest
 * shareable package of a component" is always the highest id among its shareable packages (ids are
 * time-ordered), one probe of {@code packaged_components_newest_shareable_idx}. Every method needs a
 * surrounding transaction.
 */
@Singleton
public class IntegrationPackStore {

    // The members with their newest shareable packages equal the newest release's content exactly
    // when both have the same number of components and every member's package is the one that the
    // release holds for it (a component is at most once in each).
    private static final String SUMMARY = """
            SELECT p.id, p.name, p.description, p.installation_type, p.created_at, p.updated_at,
                   cur.release_number AS current_number, COALESCE(cur.started_at, cur.created_at) AS released_at,
                   pend.release_number AS pending_number, pend.release_on_date, pend.window_start,
                   members.n AS component_count,
                   members.n <> (SELECT count(*) FROM release_components rc WHERE rc.release_id = newest.id)
                   OR EXISTS (
                       SELECT 1 FROM integration_pack_members m
                       LEFT JOIN release_components rc ON rc.release_id = newest.id AND rc.component_id = m.component_id
                       WHERE m.integration_pack_id = p.id
                         AND rc.packaged_component_id IS DISTINCT FROM\s""" + IntegrationPackRepository.NEWEST_SHAREABLE_ID + """
            ) AS has_unreleased_changes
            FROM integration_packs p
            LEFT JOIN releases cur ON cur.id = p.current_release_id
            LEFT JOIN releases pend ON pend.integration_pack_id = p.id AND pend.status = 'SCHEDULED'
            CROSS JOIN LATERAL (SELECT COALESCE(pend.id, cur.id) AS id) newest
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS n FROM integration_pack_members m WHERE m.integration_pack_id = p.id) members
            WHERE p.partner_account_id = ? AND p.deleted_at IS NULL
            """;

    private final JdbcOperations jdbc;

    IntegrationPackStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** The live pack {@code id} of {@code partnerAccountId}. */
    public Optional<PackSummary> findSummary(UUID partnerAccountId, UUID id) {
        return jdbc
                .prepareStatement(SUMMARY + " AND p.id = ?", statement -> {
                    statement.setObject(1, partnerAccountId);
                    statement.setObject(2, id);
                    return summaries(statement);
                })
                .stream()
                .findFirst();
    }

    /**
     * One page of a partner's live packs in creation order.
     *
     * @param partnerAccountId the partner
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    public List<PackSummary> findSummaryPage(UUID partnerAccountId, UUID after, int limit) {
        return jdbc.prepareStatement(SUMMARY + " AND p.id > ? ORDER BY p.id LIMIT ?", statement -> {
            statement.setObject(1, partnerAccountId);
            statement.setObject(2, after);
            statement.setInt(3, limit);
            return summaries(statement);
        });
    }

    /**
     * The extensions of {@code packagedComponentId} (the package that {@code componentId} would bring
     * into the pack) whose key another member of {@code packId} declares, by its newest shareable
     * package, with a different kind, required or secret flag: at most {@link CappedList#SHOWN} of
     * them, ordered by key and member name, and how many there are in all.
     */
    public CappedList<ExtensionConflict> conflictingExtensions(
            UUID packId, UUID componentId, UUID packagedComponentId) {
        return jdbc.prepareStatement("""
                SELECT theirs.key, c.name AS member_name, theirs.kind AS member_kind,
                       theirs.required AS member_required, theirs.secret AS member_secret,
                       mine.kind, mine.required, mine.secret, count(*) OVER () AS total
                FROM integration_pack_members m
                JOIN components c ON c.id = m.component_id
                JOIN package_extensions theirs ON theirs.packaged_component_id =\s""" + IntegrationPackRepository.NEWEST_SHAREABLE_ID + """

                JOIN package_extensions mine ON mine.packaged_component_id = ? AND mine.key = theirs.key
                WHERE m.integration_pack_id = ? AND m.component_id <> ?
                  AND (theirs.kind <> mine.kind OR theirs.required <> mine.required OR theirs.secret <> mine.secret)
                ORDER BY theirs.key, c.name, c.id LIMIT ?""", statement -> {
            statement.setObject(1, packagedComponentId);
            statement.setObject(2, packId);
            statement.setObject(3, componentId);
            statement.setInt(4, CappedList.SHOWN);
            List<ExtensionConflict> conflicts = new ArrayList<>();
            long total = 0;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    conflicts.add(new ExtensionConflict(
                            rows.getString("key"),
                            rows.getString("member_name"),
                            ExtensionKind.valueOf(rows.getString("member_kind")),
                            rows.getBoolean("member_required"),
                            rows.getBoolean("member_secret"),
                            ExtensionKind.valueOf(rows.getString("kind")),
                            rows.getBoolean("required"),
                            rows.getBoolean("secret")));
                    total = rows.getLong("total");
                }
            }
            return new CappedList<>(conflicts, total);
        });
    }

    private static List<PackSummary> summaries(PreparedStatement statement) throws SQLException {
        List<PackSummary> packs = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                int currentNumber = rows.getInt("current_number");
                PackSummary.Current current =
                        rows.wasNull() ? null : new PackSummary.Current(currentNumber, instant(rows, "released_at"));
                int pendingNumber = rows.getInt("pending_number");
                PackSummary.Pending pending = rows.wasNull()
                        ? null
                        : new PackSummary.Pending(
                                pendingNumber,
                                rows.getObject("release_on_date", LocalDate.class),
                                instant(rows, "window_start"));
                packs.add(new PackSummary(
                        rows.getObject("id", UUID.class),
                        rows.getString("name"),
                        rows.getString("description"),
                        InstallationType.valueOf(rows.getString("installation_type")),
                        instant(rows, "created_at"),
                        instant(rows, "updated_at"),
                        current,
                        pending,
                        rows.getBoolean("has_unreleased_changes"),
                        rows.getInt("component_count")));
            }
        }
        return packs;
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp timestamp = rows.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
