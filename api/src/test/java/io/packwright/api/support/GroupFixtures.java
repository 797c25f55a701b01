package io.packwright.api.support;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * States the account group tests need that no API creates yet, written with SQL: a pack that is
 * deleted but not yet swept, and a released pack with an installed instance (until the release
 * API exists). Packs themselves are created through the API ({@link CatalogFixtures#pack}).
 */
public final class GroupFixtures {

    private final TestDatabase database;

    public GroupFixtures(TestDatabase database) {
        this.database = database;
    }

    /** Marks a pack deleted, as {@code DELETE /api/v1/integration-packs/{id}} does before its clean-up. */
    public void softDeletePack(UUID pack) {
        exec("UPDATE integration_packs SET deleted_at = now(), updated_at = now() WHERE id = ?", pack);
    }

    /**
     * Releases {@code pack} (release 1, immediately) and installs it in {@code account}, as the
     * releases and instances APIs would.
     *
     * @return the instance id
     */
    public UUID installReleasedPack(UUID account, UUID pack) {
        UUID release = Ids.next();
        exec(
                "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,"
                        + " status, workflow_id, created_at)"
                        + " SELECT ?, id, partner_account_id, last_release_number + 1, 'IMMEDIATELY', 'RELEASED', ?, now()"
                        + " FROM integration_packs WHERE id = ?",
                release,
                "release-" + release,
                pack);
        exec(
                "UPDATE integration_packs SET current_release_id = ?, last_release_number = last_release_number + 1"
                        + " WHERE id = ?",
                release,
                pack);
        UUID instance = Ids.next();
        exec(
                "INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, installed_release_id,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, now(), now())",
                instance,
                account,
                pack,
                release);
        return instance;
    }

    /**
     * Everything stored about account groups, as one comparable text: equal before and after a
     * request proves that the request changed nothing.
     */
    public String groupState() {
        return text("""
                SELECT concat_ws(' | ',
                    (SELECT string_agg(concat_ws(',', id, partner_account_id, name, created_at), ';' ORDER BY id)
                     FROM account_groups),
                    (SELECT string_agg(concat_ws(',', account_group_id, account_id, added_at), ';'
                                       ORDER BY account_group_id, account_id)
                     FROM account_group_members),
                    (SELECT string_agg(concat_ws(',', account_group_id, integration_pack_id, added_at), ';'
                                       ORDER BY account_group_id, integration_pack_id)
                     FROM account_group_packs),
                    (SELECT count(*) FROM accounts),
                    (SELECT count(*) FROM integration_packs WHERE deleted_at IS NULL),
                    (SELECT count(*) FROM integration_pack_instances),
                    (SELECT count(*) FROM idempotency_keys))""");
    }

    private String text(String sql) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void exec(String sql, Object... parameters) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
