package io.packwright.activities.store;

import io.packwright.activities.store.embedded.EmbeddedPostgresServer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, started on first use, and a fresh empty database for each
 * caller, so that test classes never see each other's rows. Shared with the api and worker tests
 * through this module's test-jar.
 */
public final class TestDatabases {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static EmbeddedPostgresServer server;

    private TestDatabases() {}

    /** A new, empty database (no migrations applied) on the shared server. */
    public static TestDatabase create() {
        EmbeddedPostgresServer shared = server();
        String name = "test_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        shared.createDatabaseIfMissing(name);
        return new TestDatabase(shared.jdbcUrl(name), EmbeddedPostgresServer.SUPERUSER, "");
    }

    private static synchronized EmbeddedPostgresServer server() {
        if (server == null) {
            server = EmbeddedPostgresServer.startEphemeral();
        }
        return server;
    }
}
