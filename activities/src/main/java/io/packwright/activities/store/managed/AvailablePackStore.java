package io.packwright.activities.store.managed;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.activities.store.pack.PackSummary;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
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

    private static final String PAGE =
            """
            SELECT p.id, p.name, p.description, p.installation_type,
                   cur.release_number, COALESCE(cur.started_at, cur.created_at),
                   pend.release_number, pend.release_on_date, pend.window_start
            FROM integration_packs p
            JOIN releases cur ON cur.id = p.current_release_id
            LEFT JOIN releases pend ON pend.integration_pack_id = p.id AND pend.status = 'SCHEDULED'
            WHERE p.partner_account_id = (SELECT parent_account_id FROM accounts WHERE id = ?)
              AND p.id > ? AND %s
            ORDER BY p.id LIMIT ?""".formatted(AccountGroupRepository.PACK_VISIBLE_TO_ACCOUNT.replace(":accountId", "?"));

    private final JdbcOperations jdbc;

    AvailablePackStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** One page of the packs that {@code accountId} can install, in creation order. */
    public List<AvailablePack> findPage(UUID accountId, UUID after, int limit) {
        return jdbc.prepareStatement(PAGE, statement -> {
            statement.setObject(1, accountId);
            statement.setObject(2, after);
            statement.setObject(3, accountId);
            statement.setInt(4, limit);
            List<AvailablePack> packs = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int pendingNumber = rows.getInt(7);
                    PackSummary.Pending pending = rows.wasNull()
                            ? null
                            : new PackSummary.Pending(
                                    pendingNumber,
                                    rows.getObject(8, java.time.LocalDate.class),
                                    rows.getTimestamp(9).toInstant());
                    packs.add(new AvailablePack(
                            rows.getObject(1, UUID.class),
                            rows.getString(2),
                            rows.getString(3),
                            InstallationType.valueOf(rows.getString(4)),
                            new PackSummary.Current(
                                    rows.getInt(5), rows.getTimestamp(6).toInstant()),
                            pending));
                }
            }
            return packs;
        });
    }
}
