package io.packwright.activities.store.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DatabaseNotifications} on the real embedded PostgreSQL: notifications sent by other
 * sessions wake the waits of their key and no other, timeouts end waits, many waits share one
 * connection, and losing that connection wakes every wait once it is back.
 */
class DatabaseNotificationsTest {

    private static final String CHANNEL = NotificationChannel.APPLY_REQUEST_HANDLED.channel();
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final long PATIENCE_SECONDS = 30;

    private final TestDatabase database = TestDatabases.create();
    private final String applicationName = "notify-test-" + UUID.randomUUID();
    private final List<DatabaseNotifications> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(DatabaseNotifications::close);
    }

    @Test
    void aCommittedNotificationWakesTheWaitsOfItsKeyOnly() throws Exception {
        DatabaseNotifications notifications = start(10_000);
        CompletableFuture<Wake> first = await(notifications, "a");
        CompletableFuture<Wake> second = await(notifications, "a");
        CompletableFuture<Wake> other = await(notifications, "b");
        CompletableFuture<Wake> rolledBack = await(notifications, "c");

        notifyInTransaction(false, "c");
        notifyInTransaction(true, "a");

        assertEquals(Wake.NOTIFIED, first.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertEquals(Wake.NOTIFIED, second.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        // notifications arrive in commit order: once "a" is in, a delivered "c" would be in too
        assertFalse(rolledBack.isDone(), "a notification of a rolled-back transaction is never delivered");
        assertFalse(other.isDone(), "a notification wakes only the waits of its key");
        awaitWaiting(notifications, 2);

        notifyInTransaction(true, "b");
        assertEquals(Wake.NOTIFIED, other.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        awaitWaiting(notifications, 1);
        rolledBack.cancel(false);
        assertEquals(0, notifications.waiting(), "a cancelled wait is gone");
    }

    @Test
    void aWaitWithoutNotificationEndsAtItsTimeout() throws Exception {
        DatabaseNotifications notifications = start(10_000);
        CompletableFuture<Wake> woken =
                notifications.await(NotificationChannel.APPLY_REQUEST_HANDLED, "quiet", Duration.ofMillis(200));

        assertEquals(Wake.TIMED_OUT, woken.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        awaitWaiting(notifications, 0);
    }

    @Test
    void manyWaitsShareOneListeningConnection() throws Exception {
        DatabaseNotifications notifications = start(10_000);
        int keys = 2_000;
        List<CompletableFuture<Wake>> waits = new ArrayList<>();
        for (int key = 0; key < keys; key++) {
            waits.add(await(notifications, "key-" + key));
        }
        for (int again = 0; again < 50; again++) {
            waits.add(await(notifications, "key-0"));
        }
        assertEquals(keys + 50, notifications.waiting());
        assertEquals(1, listeningBackends(), "one connection listens for every wait");

        try (Connection connection = database.connect();
                PreparedStatement notify = connection.prepareStatement(
                        "SELECT count(*) FROM (SELECT pg_notify(?, 'key-' || n) FROM generate_series(0, ? - 1) n) sent")) {
            notify.setString(1, CHANNEL);
            notify.setInt(2, keys);
            notify.executeQuery().close();
        }

        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertTrue(waits.stream().allMatch(wait -> wait.join() == Wake.NOTIFIED));
        awaitWaiting(notifications, 0);
        assertEquals(1, notifications.connections());
    }

    @Test
    void waitsBeyondTheLimitAreRefusedAtOnce() throws Exception {
        DatabaseNotifications notifications = start(2);
        CompletableFuture<Wake> first = await(notifications, "a");
        await(notifications, "b");

        assertEquals(Wake.REFUSED, await(notifications, "c").getNow(null));
        first.cancel(false);
        CompletableFuture<Wake> again = await(notifications, "c");
        assertFalse(again.isDone(), "a freed place is taken again");
        notifyInTransaction(true, "c");
        assertEquals(Wake.NOTIFIED, again.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void losingTheListeningConnectionWakesEveryWaitOnceItIsBack() throws Exception {
        DatabaseNotifications notifications = start(10_000);
        List<CompletableFuture<Wake>> waits = new ArrayList<>();
        for (int key = 0; key < 100; key++) {
            waits.add(await(notifications, "key-" + key));
        }

        terminateListeningBackend();

        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertTrue(
                waits.stream().allMatch(wait -> wait.join() == Wake.UNCERTAIN),
                "notifications sent while it was gone are lost: every wait re-reads its state");
        assertEquals(2, notifications.connections());

        CompletableFuture<Wake> after = await(notifications, "after");
        notifyInTransaction(true, "after");
        assertEquals(Wake.NOTIFIED, after.get(PATIENCE_SECONDS, TimeUnit.SECONDS), "it listens again");
    }

    @Test
    void waitsRegisteredWhileTheDatabaseIsUnreachableAreWokenWhenItIsBack() throws Exception {
        AtomicBoolean reachable = new AtomicBoolean(false);
        DatabaseNotifications notifications = new DatabaseNotifications(
                () -> {
                    if (!reachable.get()) {
                        throw new SQLException("connection refused (test)", "08001");
                    }
                    return connect();
                },
                new NotificationProperties(10_000, Duration.ofMillis(50), Duration.ofSeconds(30)));
        opened.add(notifications);
        CompletableFuture<Wake> waiting = await(notifications, "a");
        assertEquals(0, notifications.connections());

        reachable.set(true);

        assertEquals(Wake.UNCERTAIN, waiting.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        CompletableFuture<Wake> after = await(notifications, "a");
        notifyInTransaction(true, "a");
        assertEquals(Wake.NOTIFIED, after.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void closingWakesEveryWaitAndRefusesNewOnes() throws Exception {
        DatabaseNotifications notifications = start(10_000);
        CompletableFuture<Wake> waiting = await(notifications, "a");

        notifications.close();

        assertEquals(Wake.UNCERTAIN, waiting.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertEquals(Wake.UNCERTAIN, await(notifications, "b").getNow(null));
    }

    private DatabaseNotifications start(int maxWaiters) {
        DatabaseNotifications notifications = new DatabaseNotifications(
                this::connect, new NotificationProperties(maxWaiters, Duration.ofMillis(50), Duration.ofSeconds(30)));
        opened.add(notifications);
        return notifications;
    }

    private static CompletableFuture<Wake> await(DatabaseNotifications notifications, String key) {
        return notifications.await(NotificationChannel.APPLY_REQUEST_HANDLED, key, LONG);
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", database.username());
        properties.setProperty("password", database.password());
        properties.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(database.jdbcUrl(), properties);
    }

    private void notifyInTransaction(boolean commit, String key) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, CHANNEL);
                notify.setString(2, key);
                notify.executeQuery().close();
            }
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
        }
    }

    private long listeningBackends() throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            count.setString(1, applicationName);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private void terminateListeningBackend() throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement terminate = connection.prepareStatement(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                                + " WHERE application_name = ?")) {
            terminate.setString(1, applicationName);
            try (ResultSet rows = terminate.executeQuery()) {
                rows.next();
                assertEquals(1, rows.getLong(1));
            }
        }
    }

    /**
     * Asserts that {@code expected} waits are open once the woken ones have left: a wait leaves the
     * count in a callback of its own future, which may run just after the test saw it complete.
     */
    private static void awaitWaiting(DatabaseNotifications notifications, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (notifications.waiting() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, notifications.waiting());
    }
}
