package io.packwright.activities.store.managed;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Environments of managed accounts. Every method is scoped by the owning account, so a row of
 * another account is indistinguishable from an unknown id. Every method needs a surrounding
 * transaction.
 */
@Singleton
public class EnvironmentStore {

    /**
     * An environment.
     *
     * @param id its id
     * @param accountId the managed account that owns it
     * @param name its name, unique per account
     * @param classification {@code PROD} or {@code TEST}
     */
    public record Environment(UUID id, UUID accountId, String name, String classification) {}

    private final JdbcOperations jdbc;

    EnvironmentStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Creates an environment unless the account already has one with this name. Race-free: of two
     * concurrent inserts of one name the second inserts nothing.
     *
     * @return whether it was created
     */
    public boolean insertUnlessNameTaken(UUID id, UUID accountId, String name, String classification, Instant now) {
        return jdbc.prepareStatement("""
                        INSERT INTO environments (id, account_id, name, classification, created_at)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT ON CONSTRAINT environments_name_unique DO NOTHING""", statement -> {
                    statement.setObject(1, id);
                    statement.setObject(2, accountId);
                    statement.setString(3, name);
                    statement.setString(4, classification);
                    statement.setTimestamp(5, Timestamp.from(now));
                    return statement.executeUpdate();
                })
                > 0;
    }

    /** One page of the account's environments in creation order. */
    public List<Environment> findPage(UUID accountId, UUID after, int limit) {
        return jdbc.prepareStatement("""
                SELECT id, account_id, name, classification FROM environments
                WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?""", statement -> {
            statement.setObject(1, accountId);
            statement.setObject(2, after);
            statement.setInt(3, limit);
            return read(statement);
        });
    }

    /**
     * The account's environment {@code id}, read {@code FOR SHARE} so that it cannot be deleted
     * before this transaction ends.
     */
    public Optional<Environment> findOwnedForShare(UUID id, UUID accountId) {
        return jdbc
                .prepareStatement(
                        "SELECT id, account_id, name, classification FROM environments"
                                + " WHERE id = ? AND account_id = ? FOR SHARE",
                        statement -> {
                            statement.setObject(1, id);
                            statement.setObject(2, accountId);
                            return read(statement);
                        })
                .stream()
                .findFirst();
    }

    /**
     * Deletes the account's environment {@code id}; its attachments go with it.
     *
     * @return whether it existed
     */
    public boolean deleteOwned(UUID id, UUID accountId) {
        return jdbc.prepareStatement("DELETE FROM environments WHERE id = ? AND account_id = ?", statement -> {
                    statement.setObject(1, id);
                    statement.setObject(2, accountId);
                    return statement.executeUpdate();
                })
                > 0;
    }

    private static List<Environment> read(PreparedStatement statement) throws SQLException {
        List<Environment> environments = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                environments.add(new Environment(
                        rows.getObject(1, UUID.class),
                        rows.getObject(2, UUID.class),
                        rows.getString(3),
                        rows.getString(4)));
            }
        }
        return environments;
    }
}
