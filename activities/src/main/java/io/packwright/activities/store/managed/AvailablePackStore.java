package io.packwright.activities.store.managed;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.activities.store.pack.PackSummary;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The integration packs that a managed account can install now: visible to it through its account
 * groups ({@link AccountGroupRepository#PACK_VISIBLE_TO_ACCOUNT}) and with a current release. Needs
 * a surrounding transaction.
 */
@Singleton
public class AvailablePackStore {

    /**
     * An installable pack.
     *
     * @param id the pack
     * @param name its name
     * @param description its description
     * @param installationType SINGLE or MULTI
     * @param current its current release
     * @param pending its pending release, if any
     */
    public record AvailablePack(
            UUID id,
            String name,
            String description,
            InstallationType installationType,
            PackSummary.Current current,
            PackSummary.Pending pending) {}

    private static final String PAGE = """
            SELECT p.id, p.name, p.description, p.installation_type,
                   cur.release_number AS current_number, COALESCE(cur.started_at, cur.created_at) AS released_at,
                   pend.release_number AS pending_number, pend.release_on_date, pend.window_start
            FROM integration_packs p
            JOIN releases cur ON cur.id = p.current_release_id
            LEFT JOIN releases pend ON pend.integration_pack_id = p.id AND pend.status = 'SCHEDULED'
            JOIN accounts acting ON acting.id = ?
            WHERE p.partner_account_id = acting.parent_account_id
              AND p.id > ? AND %s
            ORDER BY p.id LIMIT ?""".formatted(AccountGroupRepository.PACK_VISIBLE_TO_ACCOUNT);

    private final JdbcOperations jdbc;

    AvailablePackStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** One page of the packs that {@code accountId} can install, in creation order. */
    public List<AvailablePack> findPage(UUID accountId, UUID after, int limit) {
        return jdbc.prepareStatement(PAGE, statement -> {
            statement.setObject(1, accountId);
            statement.setObject(2, after);
            statement.setInt(3, limit);
            List<AvailablePack> packs = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int pendingNumber = rows.getInt("pending_number");
                    PackSummary.Pending pending = rows.wasNull()
                            ? null
                            : new PackSummary.Pending(
                                    pendingNumber,
                                    rows.getObject("release_on_date", LocalDate.class),
                                    rows.getTimestamp("window_start").toInstant());
                    packs.add(new AvailablePack(
                            rows.getObject("id", UUID.class),
                            rows.getString("name"),
                            rows.getString("description"),
                            InstallationType.valueOf(rows.getString("installation_type")),
                            new PackSummary.Current(
                                    rows.getInt("current_number"),
                                    rows.getTimestamp("released_at").toInstant()),
                            pending));
                }
            }
            return packs;
        });
    }
}
