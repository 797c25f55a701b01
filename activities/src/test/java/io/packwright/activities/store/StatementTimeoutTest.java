package io.packwright.activities.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.store.notify.DatabaseNotifications;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code packwright.database.statement-timeout} on the real PostgreSQL: every connection of the
 * application's datasource runs under it, and a longer statement is cancelled with SQLState 57014,
 * also through the store's JDBC operations.
 */
class StatementTimeoutTest {

    private final TestDatabase database = TestDatabases.create();

    @Test
    void aStatementLongerThanTheTimeoutIsCancelled() throws SQLException {
        try (ApplicationContext context = context(Map.of("packwright.database.statement-timeout", "300ms"))) {
            try (Connection connection = pooled(context);
                    Statement statement = connection.createStatement()) {
                assertEquals("300ms", show(statement));
                SQLException cancelled =
                        assertThrows(SQLException.class, () -> statement.executeQuery("SELECT pg_sleep(30)"));
                assertEquals("57014", cancelled.getSQLState(), cancelled::toString);
            }

            JdbcOperations jdbc = context.getBean(JdbcOperations.class);
            @SuppressWarnings("unchecked")
            TransactionOperations<Connection> transactions = context.getBean(TransactionOperations.class);
            RuntimeException throughTheStore = assertThrows(
                    RuntimeException.class,
                    () -> transactions.executeRead(tx -> jdbc.prepareStatement("SELECT pg_sleep(30)", statement -> {
                        statement.executeQuery().close();
                        return null;
                    })));
            assertEquals("57014", sqlState(throughTheStore), throughTheStore::toString);

            DatabaseNotifications notifications = context.getBean(DatabaseNotifications.class);
            assertEquals(1, notifications.connections(), "it listens on a connection opened with the same settings");
        }
    }

    @Test
    void theDefaultIsTenSecondsAndZeroTurnsItOff() throws SQLException {
        try (ApplicationContext context = context(Map.of())) {
            try (Connection connection = pooled(context);
                    Statement statement = connection.createStatement()) {
                assertEquals("10s", show(statement));
            }
        }
        try (ApplicationContext context = context(Map.of("packwright.database.statement-timeout", "0s"))) {
            try (Connection connection = pooled(context);
                    Statement statement = connection.createStatement()) {
                assertEquals("0", show(statement));
            }
        }
    }

    @Test
    void configuredDriverOptionsAreKept() throws SQLException {
        try (ApplicationContext context = context(Map.of(
                "packwright.database.statement-timeout", "2s",
                "datasources.default.data-source-properties.options", "-c lock_timeout=1500"))) {
            try (Connection connection = pooled(context);
                    Statement statement = connection.createStatement()) {
                assertEquals("2s", show(statement));
                try (ResultSet rows = statement.executeQuery("SHOW lock_timeout")) {
                    rows.next();
                    assertEquals("1500ms", rows.getString(1));
                }
            }
        }
    }

    @Test
    void aNegativeTimeoutStopsStartUp() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext context = context(Map.of("packwright.database.statement-timeout", "-1s"))) {
                context.getBean(DataSource.class);
            }
        });
        assertTrue(messages(refused).contains("PACKWRIGHT_DATABASE_STATEMENT_TIMEOUT"), refused::toString);
    }

    private ApplicationContext context(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(database.micronautProperties());
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("datasources.default.dialect", "POSTGRES");
        properties.put("datasources.default.schema-generate", "NONE");
        properties.put("datasources.default.maximum-pool-size", "2");
        properties.putAll(extra);
        return ApplicationContext.run(properties);
    }

    /** A connection of the application's pool (the DataSource bean itself needs a transaction). */
    private static Connection pooled(ApplicationContext context) throws SQLException {
        return DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class))
                .getConnection();
    }

    private static String show(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SHOW statement_timeout")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String messages(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private static String sqlState(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
