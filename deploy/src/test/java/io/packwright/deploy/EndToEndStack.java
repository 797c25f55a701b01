package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packwright.activities.store.embedded.EmbeddedPostgresServer;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The stack of an end-to-end test on real processes: an embedded PostgreSQL, Temporal's test server
 * as a gRPC endpoint in real time, and the api and the worker as their own JVMs from the runnable
 * jars of the stack, all on free loopback ports.
 *
 * <p>It composes the stack from the launcher's own parts ({@link EmbeddedPostgresServer}, {@link
 * EmbeddedTemporalServer}, {@link ChildProcess}, the same jars and environment variables) instead
 * of running the launcher, because the tests kill, stop and restart single parts under the others;
 * the launcher, on purpose, stops the whole stack as soon as a child dies.
 *
 * <p>Every child runs in development mode (the stack's development JWT secret and secrets key) and,
 * as in the embedded stack, allows webhooks to loopback addresses (a test's receiver). The
 * worker runs without sticky queues, as in the embedded stack: the Java test server never hands the
 * sticky tasks of a killed worker to another one.
 */
final class EndToEndStack implements AutoCloseable {

    static final String NAMESPACE = "default";
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(180);

    /** A child killed with SIGKILL exits with 128 + 9. */
    private static final int EXIT_CODE_AFTER_SIGKILL = 137;

    /**
     * How to start the stack.
     *
     * @param name the directory of the children's logs, next to the launcher jar
     * @param restartablePostgres whether PostgreSQL keeps its data directory when it stops, so that
     *     {@link #stopPostgres()} and {@link #startPostgres()} restart the same database (it then
     *     syncs its writes, which a throw-away server skips)
     * @param workerEnvironment added to the worker's environment
     * @param apiEnvironment added to the api's environment
     */
    record Options(
            String name,
            boolean restartablePostgres,
            Map<String, String> workerEnvironment,
            Map<String, String> apiEnvironment) {}

    private final Options options;
    private final String secret;
    private final Path stackDirectory;
    private final Path logDirectory;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
    // A test JVM that Maven stops early never runs @AfterAll; nothing of the stack may outlive it.
    private final Thread shutdownHook = new Thread(this::close, "end-to-end-stack-stop");
    private final AtomicBoolean closed = new AtomicBoolean();
    private Path postgresDirectory;
    private volatile EmbeddedPostgresServer postgres;
    private int postgresPort;
    private String jdbcUrl;
    private volatile EmbeddedTemporalServer temporal;
    private int temporalPort;
    private volatile WorkflowServiceStubs temporalStubs;
    private volatile ChildProcess api;
    private volatile ChildProcess worker;
    private volatile URI apiBase;

    private EndToEndStack(Options options, String secret, Path stackDirectory, Path logDirectory) {
        this.options = options;
        this.secret = secret;
        this.stackDirectory = stackDirectory;
        this.logDirectory = logDirectory;
    }

    /** Starts PostgreSQL, Temporal, the worker and the api, and waits until both children are healthy. */
    static EndToEndStack start(Options options, String secret) throws InterruptedException {
        Path launcherJar = Path.of(System.getProperty("packwright.stack.jar", "target/packwright-embedded.jar"))
                .toAbsolutePath();
        Path stackDirectory = launcherJar.getParent().resolve("stack");
        for (String jar : List.of("packwright-api.jar", "packwright-worker.jar")) {
            assertTrue(
                    Files.isRegularFile(stackDirectory.resolve(jar)),
                    stackDirectory.resolve(jar) + " is copied there by the package phase");
        }
        EndToEndStack stack = new EndToEndStack(
                options, secret, stackDirectory, launcherJar.getParent().resolve(options.name()));
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException | InterruptedException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws InterruptedException {
        long started = System.nanoTime();
        if (options.restartablePostgres()) {
            try {
                postgresDirectory = Files.createTempDirectory("packwright-e2e-pg-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = EmbeddedPostgresServer.startPersistent(postgresDirectory, 0);
        } else {
            postgres = EmbeddedPostgresServer.startEphemeral();
        }
        postgresPort = postgres.port();
        postgres.createDatabaseIfMissing(EmbeddedStack.DATABASE);
        jdbcUrl = postgres.jdbcUrl(EmbeddedStack.DATABASE);
        temporal = EmbeddedTemporalServer.start(0);
        temporalPort =
                Integer.parseInt(temporal.address().substring(temporal.address().lastIndexOf(':') + 1));
        SearchAttributeRegistrar.registerPlaintext(temporal.address(), NAMESPACE);

        ChildProcess firstWorker = startWorker("worker.log");
        ChildProcess firstApi = startApi("api.log");
        awaitHealthy(firstWorker, firstApi);
        log(
                "stack up in %d ms: api %s, worker pid %d, Temporal %s, %s",
                millisSince(started), apiBase, firstWorker.pid(), temporal.address(), jdbcUrl);
    }

    /** The HS256 secret that the api verifies tokens with. */
    String secret() {
        return secret;
    }

    /** The base URI of the current api process. */
    URI apiBase() {
        return apiBase;
    }

    ChildProcess api() {
        return api;
    }

    ChildProcess worker() {
        return worker;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    /** {@code host:port} of Temporal's frontend; the same across restarts. */
    String temporalAddress() {
        return "127.0.0.1:" + temporalPort;
    }

    /** Where the stack's runnable jars are. */
    Path stackDirectory() {
        return stackDirectory;
    }

    Path logDirectory() {
        return logDirectory;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, EmbeddedPostgresServer.SUPERUSER, "");
    }

    // --- the children ---

    /** Starts a worker process (on a free port); it becomes {@link #worker()}. */
    ChildProcess startWorker(String logFile) {
        Map<String, String> environment = new HashMap<>(options.workerEnvironment());
        environment.put("PACKWRIGHT_WORKER_STICKY_EXECUTION", "false");
        worker = startChild("worker", "packwright-worker.jar", environment, logFile, freePort());
        return worker;
    }

    /** Starts an api process (on a free port); it becomes {@link #api()} and serves {@link #apiBase()}. */
    ChildProcess startApi(String logFile) {
        return startApi(logFile, freePort());
    }

    /**
     * Starts an api process on the port of the api before it (which must be gone), so that clients
     * that know its address, as runtimes do, find the new one there.
     */
    ChildProcess restartApiOnSamePort(String logFile) {
        return startApi(logFile, apiBase.getPort());
    }

    private ChildProcess startApi(String logFile, int port) {
        Map<String, String> environment = new HashMap<>(options.apiEnvironment());
        environment.put("PACKWRIGHT_JWT_SECRET", secret);
        // the scenarios set up hundreds of accounts and members as one partner in a burst; request
        // budgets are proven by RateLimitApiTest, not here
        environment.putIfAbsent("PACKWRIGHT_RATE_LIMITS_ENABLED", "false");
        ChildProcess started = startChild("api", "packwright-api.jar", environment, logFile, port);
        URI health = started.healthUri();
        api = started;
        apiBase = URI.create(health.getScheme() + "://" + health.getHost() + ":" + health.getPort());
        return started;
    }

    void awaitHealthy(ChildProcess... processes) throws InterruptedException {
        ChildProcess.awaitHealthy(List.of(processes), HEALTH_TIMEOUT);
    }

    /** Kills {@code child} with SIGKILL and waits until it is gone. */
    void kill(ChildProcess child) throws Exception {
        ProcessHandle handle = ProcessHandle.of(child.pid())
                .orElseThrow(() -> new AssertionError(
                        "the " + child.name() + " exited before it could be killed:\n" + child.logTail(40)));
        assertTrue(handle.destroyForcibly(), "SIGKILL sent to the " + child.name());
        child.onExit().get(30, TimeUnit.SECONDS);
        assertEquals(EXIT_CODE_AFTER_SIGKILL, child.exitValue(), "the " + child.name() + " died of SIGKILL");
    }

    private ChildProcess startChild(String name, String jar, Map<String, String> extra, String logFile, int port) {
        Map<String, String> environment = new HashMap<>(extra);
        environment.put("PACKWRIGHT_DEVELOPMENT_MODE", "true");
        environment.put("DATASOURCES_DEFAULT_URL", jdbcUrl);
        environment.put("DATASOURCES_DEFAULT_USERNAME", EmbeddedPostgresServer.SUPERUSER);
        environment.put("DATASOURCES_DEFAULT_PASSWORD", "");
        environment.put("TEMPORAL_ADDRESS", temporalAddress());
        environment.put("TEMPORAL_NAMESPACE", NAMESPACE);
        environment.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        environment.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
        // as the embedded stack: webhooks to a receiver on this machine; the api and the worker must agree
        environment.put("PACKWRIGHT_WEBHOOKS_ALLOW_LOOPBACK", "true");
        ChildProcess child = ChildProcess.start(
                name,
                ProcessHandle.current().info().command().orElse("java"),
                Arrays.asList(StackConfig.DEFAULT_CHILD_JAVA_OPTIONS.split(" ")),
                stackDirectory.resolve(jar),
                environment,
                logDirectory.resolve(logFile),
                URI.create("http://127.0.0.1:" + port + "/health"),
                null);
        children.add(child);
        return child;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- PostgreSQL and Temporal ---

    /** Stops PostgreSQL (a fast shutdown: open sessions are ended); the data directory stays. */
    void stopPostgres() {
        assertTrue(options.restartablePostgres(), "a throw-away PostgreSQL deletes its data when it stops");
        postgres.close();
        postgres = null;
    }

    /** Starts PostgreSQL again on the same data directory and port. */
    void startPostgres() {
        postgres = EmbeddedPostgresServer.startPersistent(postgresDirectory, postgresPort);
    }

    /** Stops Temporal's test server, which forgets every workflow and search attribute. */
    void stopTemporal() {
        WorkflowServiceStubs stubs = temporalStubs;
        temporalStubs = null;
        if (stubs != null) {
            stubs.shutdownNow();
        }
        temporal.close();
        temporal = null;
    }

    /**
     * Starts an empty Temporal test server on the same port and registers the release search
     * attributes on it, as the launcher does after every start of its server. The worker registers
     * them too, but only before its next reconciliation; an api that starts a release workflow
     * earlier would be refused, and the Java test server keeps a ghost of a refused workflow that
     * blocks every later start of its id.
     */
    void startTemporal() {
        temporal = EmbeddedTemporalServer.start(temporalPort);
        SearchAttributeRegistrar.registerPlaintext(temporal.address(), NAMESPACE);
    }

    /** The status of the current run of {@code workflowId}, or empty when Temporal knows no such workflow. */
    Optional<WorkflowExecutionStatus> workflowStatus(String workflowId) {
        try {
            return Optional.of(stubs().blockingStub()
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(NAMESPACE)
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .build())
                    .getWorkflowExecutionInfo()
                    .getStatus());
        } catch (RuntimeException e) {
            if (Status.fromThrowable(e).getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Stubs for the current Temporal server, opened on first use after each start. */
    WorkflowServiceStubs stubs() {
        WorkflowServiceStubs stubs = temporalStubs;
        if (stubs == null) {
            stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                    .setTarget(temporalAddress())
                    .build());
            temporalStubs = stubs;
        }
        return stubs;
    }

    // --- diagnostics ---

    /** What the database is busy with, and a thread dump of the api in the log directory. */
    String diagnostics() {
        StringBuilder text = new StringBuilder("Database sessions that are not idle:");
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT pid, state, now() - query_start, wait_event_type, wait_event, left(query, 300)
                        FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle'
                          AND pid <> pg_backend_pid()""")) {
            while (rows.next()) {
                text.append("\n  pid ")
                        .append(rows.getInt(1))
                        .append(' ')
                        .append(rows.getString(2))
                        .append(" for ")
                        .append(rows.getString(3))
                        .append(" waiting on ")
                        .append(rows.getString(4))
                        .append('/')
                        .append(rows.getString(5))
                        .append(": ")
                        .append(rows.getString(6).replaceAll("\\s+", " "));
            }
        } catch (SQLException e) {
            text.append(" (cannot read pg_stat_activity: ")
                    .append(e.getMessage())
                    .append(')');
        }
        Path dump = logDirectory.resolve("api-threads-" + System.currentTimeMillis() + ".txt");
        try {
            Process jstack = new ProcessBuilder("jstack", Long.toString(api.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(dump.toFile())
                    .start();
            jstack.waitFor(30, TimeUnit.SECONDS);
            text.append("\nThread dump of the api: ").append(dump);
        } catch (IOException e) {
            text.append("\n(no thread dump of the api: ").append(e.getMessage()).append(')');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text.toString();
    }

    /**
     * Stops the children (gracefully, then SIGKILL), Temporal and PostgreSQL, and removes a
     * restartable database; once, also when the JVM exits without it.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
        children.forEach(ChildProcess::requestStop);
        children.forEach(ChildProcess::close);
        WorkflowServiceStubs stubs = temporalStubs;
        if (stubs != null) {
            stubs.shutdownNow();
        }
        if (temporal != null) {
            temporal.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (postgresDirectory != null) {
            try (Stream<Path> files = Files.walk(postgresDirectory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                log("could not remove %s: %s", postgresDirectory, e);
            }
        }
    }

    static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    static void log(String format, Object... arguments) {
        System.out.printf("[%s] %s%n", Instant.now(), String.format(format, arguments));
    }
}
