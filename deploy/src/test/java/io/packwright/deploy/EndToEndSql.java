package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What end-to-end tests read from and write to the stack's database directly. */
final class EndToEndSql {

    /** V12's trigger that writes one {@code instance.installed} event per inserted instance. */
    private static final String INSTALLED_EVENTS = "integration_pack_instances_webhook_events_insert";

    private EndToEndSql() {}

    /**
     * {@code count} instances of the MULTI {@code pack} on {@code release}, spread evenly over {@code
     * accounts}, in one set-based statement; random ids, unique override names.
     */
    static void insertInstances(Connection connection, UUID pack, UUID release, List<UUID> accounts, int count)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement off = connection.createStatement()) {
            // seeded instances are not installs: no instance.installed event each (V12's trigger is
            // off only inside this transaction, which no other session sees)
            off.execute("ALTER TABLE integration_pack_instances DISABLE TRIGGER " + INSTALLED_EVENTS);
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                        installed_release_id, created_at, updated_at)
                SELECT gen_random_uuid(), (?::uuid[])[1 + n % ?], ?, 'bulk-' || n, ?, now(), now()
                FROM generate_series(1, ?) n""")) {
            insert.setArray(1, connection.createArrayOf("uuid", accounts.toArray()));
            insert.setInt(2, accounts.size());
            insert.setObject(3, pack);
            insert.setObject(4, release);
            insert.setInt(5, count);
            assertEquals(count, insert.executeUpdate());
        }
        try (Statement on = connection.createStatement()) {
            on.execute("ALTER TABLE integration_pack_instances ENABLE TRIGGER " + INSTALLED_EVENTS);
        }
        connection.commit();
        connection.setAutoCommit(autoCommit);
        try (Statement analyze = connection.createStatement()) {
            analyze.execute("ANALYZE integration_pack_instances");
        }
    }

    /** The ledger of {@code release} by {@code status/mode} ({@code -} for no mode), e.g. {@code APPLIED/IMMEDIATE}. */
    static Map<String, Long> ledgerByOutcome(Connection connection, UUID release) throws SQLException {
        Map<String, Long> ledger = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT status || '/' || coalesce(mode, '-'), count(*) FROM release_instances
                WHERE release_id = ? GROUP BY 1 ORDER BY 1""")) {
            statement.setObject(1, release);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ledger.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return ledger;
    }

    /** Runs the statement {@code sql}; returns how many rows it changed. */
    static int execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** The single {@code bigint} that {@code sql} selects. */
    static long count(Connection connection, String sql, Object... parameters) throws SQLException {
        return ((Number) row(connection, sql, parameters).get(0)).longValue();
    }

    /** The first row that {@code sql} selects; there must be one. */
    static List<Object> row(Connection connection, String sql, Object... parameters) throws SQLException {
        List<List<Object>> rows = rows(connection, sql, parameters);
        assertTrue(!rows.isEmpty(), sql);
        return rows.get(0);
    }

    /** Every row that {@code sql} selects. */
    static List<List<Object>> rows(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                List<List<Object>> all = new ArrayList<>();
                while (rows.next()) {
                    List<Object> values = new ArrayList<>();
                    for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                        values.add(rows.getObject(column));
                    }
                    all.add(values);
                }
                return all;
            }
        }
    }
}
