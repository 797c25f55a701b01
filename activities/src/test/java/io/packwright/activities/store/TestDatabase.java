package io.packwright.activities.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;

/** A database of the shared test server; see {@link TestDatabases}. */
public record TestDatabase(String jdbcUrl, String username, String password) {

    /** The datasource properties that point a Micronaut application context at this database. */
    public Map<String, String> micronautProperties() {
        return Map.of(
                "datasources.default.url", jdbcUrl,
                "datasources.default.username", username,
                "datasources.default.password", password);
    }

    /** A new JDBC connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, username, password);
    }

    /** Applies the project's Flyway migrations, as the applications do at start-up. */
    public TestDatabase migrate() {
        Flyway.configure()
                .dataSource(jdbcUrl, username, password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return this;
    }
}
