package io.packwright.activities.store.notify;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for PostgreSQL notifications without polling: {@link #await} returns a future that completes
 * when a notification for its channel and key arrives, when its timeout passes, or when
 * notifications may have been missed. Every wait of the process shares one dedicated listening
 * connection, opened with the settings of the default datasource but outside its pool, and one
 * thread that reads it; a wait holds neither a thread nor a connection.
 *
 * <p>A waiter must wait in this order: {@link #await} first, then read the state it waits for, then
 * wait on the future, then read the state again. A change that commits before the read is seen by
 * the read; one that commits after it notifies the wait. When the listening connection is lost,
 * notifications sent until it is open again are lost too: every open wait then completes with
 * {@link Wake#UNCERTAIN}, so that a lost notification costs its waiter a re-read, never a missed
 * change.
 *
 * <p>Futures complete on the listening thread or on the JDK's timer thread: continue with {@code
 * *Async} stages on an executor of your own, never with blocking work on those threads.
 */
@Singleton
public class DatabaseNotifications implements AutoCloseable {

    /** How the listening connection is named in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "packwright-notifications";

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseNotifications.class);

    /** One wait on the socket: bounds how late the thread notices that it should stop. */
    private static final int SOCKET_WAIT_MILLIS = 500;

    private final Connector connector;
    private final NotificationProperties properties;
    private final ConcurrentHashMap<Topic, Set<CompletableFuture<Wake>>> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong connections = new AtomicLong();
    private final Thread listener;
    private volatile boolean closed;

    /** Opens a connection for listening; the caller closes it. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    @Inject
    DatabaseNotifications(@Named("default") DatasourceConfiguration datasource, NotificationProperties properties) {
        this(connector(datasource), properties);
    }

    /**
     * Opens the listening connection before it returns (or, when the database is unreachable, keeps
     * trying in the background), so that the first waits never see the first connection as a loss.
     */
    public DatabaseNotifications(Connector connector, NotificationProperties properties) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.properties = Objects.requireNonNull(properties, "properties");
        Connection first = null;
        try {
            first = listen();
        } catch (SQLException e) {
            LOG.warn(
                    "cannot open the connection that listens for database notifications; retrying every {}",
                    properties.reconnectDelay(),
                    e);
        }
        Connection opened = first;
        listener = new Thread(() -> run(opened), "packwright-notifications");
        listener.setDaemon(true);
        listener.start();
    }

    /**
     * Waits for a notification on {@code channel} whose payload is {@code key}, for at most {@code
     * timeout}. Cancelling the future ends the wait.
     *
     * @return completes with why the wait ended; already complete with {@link Wake#REFUSED} when
     *     {@code packwright.notifications.max-waiters} waits are open, or {@link Wake#UNCERTAIN} once
     *     this component is closed
     */
    public CompletableFuture<Wake> await(NotificationChannel channel, String key, Duration timeout) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(timeout, "timeout");
        if (closed) {
            return CompletableFuture.completedFuture(Wake.UNCERTAIN);
        }
        if (waiting.incrementAndGet() > properties.maxWaiters()) {
            waiting.decrementAndGet();
            return CompletableFuture.completedFuture(Wake.REFUSED);
        }
        Topic topic = new Topic(channel.channel(), key);
        CompletableFuture<Wake> woken = new CompletableFuture<>();
        waiters.compute(topic, (t, set) -> {
            Set<CompletableFuture<Wake>> joined = set == null ? ConcurrentHashMap.newKeySet() : set;
            joined.add(woken);
            return joined;
        });
        woken.whenComplete((wake, failure) -> leave(topic, woken));
        woken.completeOnTimeout(Wake.TIMED_OUT, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (closed) {
            woken.complete(Wake.UNCERTAIN);
        }
        return woken;
    }

    /** The waits open now. */
    public int waiting() {
        return waiting.get();
    }

    /** How often the listening connection was opened since start-up: more than once after a loss. */
    public long connections() {
        return connections.get();
    }

    /** Stops listening; every open wait completes with {@link Wake#UNCERTAIN}. */
    @PreDestroy
    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        try {
            listener.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wakeAll(Wake.UNCERTAIN);
    }

    private void run(@Nullable Connection first) {
        Connection connection = first;
        long lastHeard = System.nanoTime();
        boolean lossLogged = false;
        while (!closed) {
            try {
                if (connection == null) {
                    connection = listen();
                    lastHeard = System.nanoTime();
                    LOG.info("listening for database notifications again");
                    lossLogged = false;
                    wakeAll(Wake.UNCERTAIN);
                }
                PGConnection listening = connection.unwrap(PGConnection.class);
                PGNotification[] arrived = listening.getNotifications(SOCKET_WAIT_MILLIS);
                if (arrived != null && arrived.length > 0) {
                    dispatch(arrived);
                    lastHeard = System.nanoTime();
                } else if (System.nanoTime() - lastHeard
                        >= properties.checkInterval().toNanos()) {
                    try (Statement probe = connection.createStatement()) {
                        probe.execute("SELECT 1");
                    }
                    dispatch(listening.getNotifications());
                    lastHeard = System.nanoTime();
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                if (lossLogged) {
                    LOG.debug("still cannot listen for database notifications", e);
                } else {
                    LOG.warn(
                            "lost the connection that listens for database notifications; open waits are woken"
                                    + " once it is back, retrying every {}",
                            properties.reconnectDelay(),
                            e);
                    lossLogged = true;
                }
                closeQuietly(connection);
                connection = null;
                try {
                    Thread.sleep(properties.reconnectDelay().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        closeQuietly(connection);
    }

    /** Opens the listening connection and listens on every channel. */
    private Connection listen() throws SQLException {
        Connection connection = connector.open();
        try {
            connection.setAutoCommit(true);
            connection.setNetworkTimeout(
                    Runnable::run, Math.toIntExact(properties.checkInterval().toMillis()));
            try (Statement statement = connection.createStatement()) {
                for (NotificationChannel channel : NotificationChannel.values()) {
                    statement.execute("LISTEN \"" + channel.channel() + "\"");
                }
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        connections.incrementAndGet();
        return connection;
    }

    private void dispatch(@Nullable PGNotification[] arrived) {
        if (arrived == null) {
            return;
        }
        for (PGNotification notification : arrived) {
            Set<CompletableFuture<Wake>> set =
                    waiters.get(new Topic(notification.getName(), notification.getParameter()));
            if (set != null) {
                set.forEach(woken -> woken.complete(Wake.NOTIFIED));
            }
        }
    }

    private void wakeAll(Wake wake) {
        waiters.values().forEach(set -> set.forEach(woken -> woken.complete(wake)));
    }

    private void leave(Topic topic, CompletableFuture<Wake> woken) {
        waiters.computeIfPresent(topic, (t, set) -> {
            set.remove(woken);
            return set.isEmpty() ? null : set;
        });
        waiting.decrementAndGet();
    }

    private static void closeQuietly(@Nullable Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the listening connection failed", e);
        }
    }

    /** Connections like the pool's (URL, user, driver properties such as the statement timeout), named. */
    private static Connector connector(DatasourceConfiguration datasource) {
        String url = datasource.getUrl();
        Properties settings = new Properties();
        settings.putAll(datasource.getDataSourceProperties());
        if (datasource.getUsername() != null) {
            settings.setProperty("user", datasource.getUsername());
        }
        if (datasource.getPassword() != null) {
            settings.setProperty("password", datasource.getPassword());
        }
        settings.setProperty("ApplicationName", APPLICATION_NAME);
        settings.setProperty("tcpKeepAlive", "true");
        Driver driver = new Driver();
        return () -> {
            Connection connection = driver.connect(url, settings);
            if (connection == null) {
                throw new SQLException("datasources.default.url is not a PostgreSQL JDBC URL");
            }
            return connection;
        };
    }

    /** A channel and a key (payload) that waits are registered under. */
    private record Topic(String channel, String key) {}
}
