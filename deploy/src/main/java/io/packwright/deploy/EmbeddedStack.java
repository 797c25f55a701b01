package io.packwright.deploy;

import io.packwright.activities.store.embedded.EmbeddedPostgresServer;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-command embedded stack: an embedded PostgreSQL (or an external one), Temporal's Java test
 * server (or an external frontend), then the worker and the api as separate processes from the
 * runnable jars in the {@code stack/} directory next to this launcher. It prints the URLs and an
 * admin token once both answer {@code /health}, and stops everything in reverse order on
 * SIGTERM/SIGINT or when a child dies.
 *
 * <p>Killed (SIGKILL), the launcher runs no code, so what it started stops by itself: the api and
 * the worker exit when their standard input, a pipe only the launcher holds, ends ({@link
 * ChildProcess}); a {@link PostgresWatchdog} stops PostgreSQL the same way; the Temporal test
 * server runs inside the launcher. Should a server survive all the same, the next start on the data
 * directory stops it, which the {@link DataDirectoryLock} makes safe.
 *
 * <p>Exit codes: 143 after SIGTERM and 130 after SIGINT (the JVM's own, after a clean stop), 1 when
 * the stack could not start or a child died, 2 for a configuration error. {@code agent …} exits
 * with the agent's own exit code.
 */
public final class EmbeddedStack {

    static final String DATABASE = "packwright";
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration LEFT_BEHIND_STOP_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    private static final int LOG_TAIL_LINES = 60;
    private static final String AGENT_JAR = "packwright-agent.jar";
    private static final Duration AGENT_STOP_GRACE = Duration.ofSeconds(15);

    private final StackConfig config;
    private final Path stackDirectory;
    private final String javaExecutable;
    private final Deque<Component> running = new ArrayDeque<>();
    private volatile boolean stopping;
    // Held until the launcher exits: the lock of the data directory, and the pipe whose end tells
    // the watchdog that the launcher is gone.
    private DataDirectoryLock dataDirectoryLock;
    private PostgresWatchdog postgresWatchdog;

    EmbeddedStack(StackConfig config, Path stackDirectory, String javaExecutable) {
        this.config = config;
        this.stackDirectory = stackDirectory;
        this.javaExecutable = javaExecutable;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("agent")) {
            // the agent needs none of the stack's configuration: a bad PACKWRIGHT_* variable must not stop it
            System.exit(runAgent(Arrays.copyOfRange(args, 1, args.length)));
        }
        StackConfig config;
        try {
            config = StackConfig.fromEnvironment(System.getenv(), Path.of(""));
        } catch (IllegalArgumentException e) {
            System.err.println("packwright: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length == 2 && args[0].equals("token")) {
            System.exit(printToken(config, args[1]));
        }
        if (args.length > 0) {
            boolean help = List.of("-h", "--help").contains(args[0]);
            (help ? System.out : System.err).println(usage());
            System.exit(help ? 0 : 2);
        }
        EmbeddedStack stack = new EmbeddedStack(config, stackDirectory(), javaExecutable());
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "packwright-stop"));
        int exitCode = stack.run();
        // Stop before exiting rather than in the hook, where other libraries' hooks run
        // concurrently and could stop PostgreSQL under the api and the worker.
        stack.stop();
        System.exit(exitCode);
    }

    /** Starts the stack, prints the banner and blocks until a child dies; returns the exit code. */
    int run() {
        Started started;
        try {
            started = start();
        } catch (ChildProcess.StartupException e) {
            if (!stopping) {
                LOG.error(
                        "{}. Last lines of {}:\n{}",
                        e.getMessage(),
                        e.child().logFile(),
                        e.child().logTail(LOG_TAIL_LINES));
            }
            return 1;
        } catch (StackStoppingException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.error("The stack could not start: {}", e.getMessage());
                LOG.debug("Cause", e);
            }
            return 1;
        }
        System.out.println(started.banner().render());
        System.out.flush();
        return awaitUnexpectedExit(started.worker(), started.api());
    }

    private Started start() throws InterruptedException {
        Instant launched = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
        LOG.info("Starting the Packwright embedded stack, data in {}", config.dataDirectory());
        dataDirectoryLock = DataDirectoryLock.acquire(config.dataDirectory());
        Path workerJar = requireJar("packwright-worker.jar");
        Path apiJar = requireJar("packwright-api.jar");
        Database database = config.embeddedPostgres() ? startPostgres() : externalDatabase();
        String temporalAddress = config.embeddedTemporal() ? startTemporal() : config.temporalAddress();
        // The test server forgets search attributes with everything else. They are registered while
        // the api and the worker boot, and before the stack reports ready, so that no release
        // workflow (which carries them) starts without them; the worker registers them too.
        CompletableFuture<Void> searchAttributes = config.embeddedTemporal()
                ? CompletableFuture.runAsync(
                        () -> SearchAttributeRegistrar.registerPlaintext(temporalAddress, config.temporalNamespace()))
                : CompletableFuture.completedFuture(null);

        Map<String, String> common = new HashMap<>(database.environment());
        common.put("TEMPORAL_ADDRESS", temporalAddress);
        common.put("TEMPORAL_NAMESPACE", config.temporalNamespace());
        // A development stack: both run on the public secrets key, the api on the printed tokens'
        // secret, which may be the public development one.
        common.put("PACKWRIGHT_DEVELOPMENT_MODE", "true");
        // webhooks to a receiver on this machine (http or https), as development needs
        common.put("PACKWRIGHT_WEBHOOKS_ALLOW_LOOPBACK", "true");
        Map<String, String> apiEnvironment = new HashMap<>(common);
        apiEnvironment.put("PACKWRIGHT_JWT_SECRET", config.jwtSecret());
        // the console lists the accounts to act as (development mode only)
        apiEnvironment.put("PACKWRIGHT_CONSOLE_DEV_SIGN_IN", "true");
        Map<String, String> workerEnvironment = new HashMap<>(common);
        if (config.embeddedTemporal()) {
            // the Java test server never moves a dead worker's sticky tasks to another worker
            workerEnvironment.put("PACKWRIGHT_WORKER_STICKY_EXECUTION", "false");
        }

        // Started together: the two JVMs warm up in parallel, and Flyway serialises their
        // migration runs with a PostgreSQL advisory lock.
        ChildProcess worker = startChild("worker", workerJar, freeIfZero(config.workerPort()), workerEnvironment);
        ChildProcess api = startChild("api", apiJar, freeIfZero(config.apiPort()), apiEnvironment);
        ChildProcess.awaitHealthy(List.of(worker, api), HEALTH_TIMEOUT);
        awaitSearchAttributes(searchAttributes);

        Banner banner = new Banner(
                Duration.between(launched, Instant.now()),
                baseUrl(api.healthUri()),
                worker.healthUri().toString(),
                temporalAddress,
                config.temporalNamespace(),
                config.embeddedTemporal(),
                database.jdbcUrl(),
                config.embeddedPostgres() ? config.postgresDirectory() : null,
                api.logFile(),
                worker.logFile(),
                DevTokens.adminToken(config.jwtSecret(), Instant.now()),
                config.devSecret());
        return new Started(worker, api, banner);
    }

    /**
     * Stops whatever runs, newest first: the api and the worker (signalled together, each given
     * {@link ChildProcess#STOP_GRACE}), then Temporal, then PostgreSQL. Waits for a component that
     * is starting right now, so that nothing outlives the launcher.
     */
    synchronized void stop() {
        stopping = true;
        if (running.isEmpty()) {
            return;
        }
        LOG.info("Stopping the Packwright embedded stack");
        running.stream()
                .map(Component::closeable)
                .filter(ChildProcess.class::isInstance)
                .forEach(child -> ((ChildProcess) child).requestStop());
        while (!running.isEmpty()) {
            Component component = running.pop();
            long started = System.nanoTime();
            try {
                component.closeable().close();
                LOG.info("{} stopped in {} ms", component.name(), (System.nanoTime() - started) / 1_000_000);
            } catch (Exception e) {
                LOG.error("Could not stop {} cleanly", component.name(), e);
            }
        }
        LOG.info("The Packwright embedded stack has stopped");
    }

    private int awaitUnexpectedExit(ChildProcess worker, ChildProcess api) {
        ChildProcess dead = (ChildProcess) CompletableFuture.anyOf(
                        worker.onExit().thenApply(process -> worker),
                        api.onExit().thenApply(process -> api))
                .join();
        if (!stopping) {
            LOG.error(
                    "The {} process (pid {}) exited on its own with code {}; stopping the stack. Its log: {}\n{}",
                    dead.name(),
                    dead.pid(),
                    dead.exitValue(),
                    dead.logFile(),
                    dead.logTail(LOG_TAIL_LINES));
        }
        return 1;
    }

    private Database startPostgres() throws InterruptedException {
        Path directory = config.postgresDirectory();
        stopLeftBehindServer(directory);
        if (Files.exists(directory.resolve("PG_VERSION"))) {
            LOG.info("Starting PostgreSQL on the existing cluster in {}", directory);
        } else {
            LOG.info("Initialising a new PostgreSQL cluster in {} (first start only)", directory);
        }
        Instant attempt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        EmbeddedPostgresServer postgres;
        try {
            postgres = launch("PostgreSQL", () -> {
                try {
                    return EmbeddedPostgresServer.startPersistent(directory, config.postgresPort());
                } catch (RuntimeException e) {
                    stopServerStartedSince(directory, attempt);
                    throw e;
                }
            });
        } catch (StackStoppingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start PostgreSQL on port " + config.postgresPort() + " in " + directory
                            + " (set PACKWRIGHT_POSTGRES_PORT to a free port, or 0): " + rootMessage(e),
                    e);
        }
        watchPostgres(directory);
        postgres.createDatabaseIfMissing(DATABASE);
        String jdbcUrl = postgres.jdbcUrl(DATABASE);
        LOG.info("PostgreSQL is up: {}", jdbcUrl);
        return new Database(jdbcUrl, EmbeddedPostgresServer.SUPERUSER, "");
    }

    /**
     * Stops a server that still runs on {@code directory}. This launcher holds the data directory's
     * lock, so no other stack runs it: a launcher that was killed left it behind, together with its
     * watchdog (killed along, or while the server was starting).
     */
    private static void stopLeftBehindServer(Path directory) throws InterruptedException {
        Optional<PostmasterPidFile> leftBehind = PostmasterPidFile.read(directory)
                .filter(pidFile -> pidFile.runningProcess().isPresent());
        if (leftBehind.isEmpty()) {
            return;
        }
        long pid = leftBehind.get().pid();
        LOG.warn(
                "PostgreSQL (pid {}) still runs on {}, left behind by a launcher that was killed; stopping it",
                pid,
                directory);
        if (!leftBehind.get().stop(LEFT_BEHIND_STOP_TIMEOUT)) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + ") on " + directory + ", left behind by a"
                    + " launcher that was killed, did not stop within " + LEFT_BEHIND_STOP_TIMEOUT.toSeconds()
                    + " s; end it with 'kill -INT " + pid + "', then start again.");
        }
    }

    /** From now on a watchdog stops the server if this launcher is killed; see {@link PostgresWatchdog}. */
    private void watchPostgres(Path directory) {
        Optional<PostmasterPidFile> server = PostmasterPidFile.read(directory);
        if (server.isEmpty()) {
            LOG.warn("{} has no postmaster.pid: PostgreSQL would outlive a killed launcher", directory);
            return;
        }
        try {
            postgresWatchdog = PostgresWatchdog.start(server.get().pid(), directory);
        } catch (UncheckedIOException e) {
            LOG.warn("{}: PostgreSQL would outlive a killed launcher (the next start stops it)", e.getMessage());
        }
    }

    /**
     * A start that fails half-way can leave the server running with nothing to stop it: when the
     * JVM begins to shut down, zonky fails to register its shutdown hook while its {@code pg_ctl -w
     * start} still runs. So let that finish, then stop what it started.
     */
    private static void stopServerStartedSince(Path directory, Instant attempt) {
        ProcessHandle.current().children().forEach(child -> {
            try {
                child.onExit().get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("{} is still running", child.info().command().orElse("pid " + child.pid()));
            }
        });
        Optional<PostmasterPidFile> started = PostmasterPidFile.read(directory)
                .filter(pidFile -> !pidFile.started().isBefore(attempt));
        if (started.isEmpty()) {
            return;
        }
        LOG.info(
                "Stopping the PostgreSQL server (pid {}) whose start failed",
                started.get().pid());
        try {
            if (!started.get().stop(Duration.ofSeconds(30))) {
                LOG.warn(
                        "PostgreSQL (pid {}) is still running; end it with 'kill -INT {}'",
                        started.get().pid(),
                        started.get().pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Database externalDatabase() {
        StackConfig.ExternalDatabase external = config.externalDatabase();
        LOG.info("Using the PostgreSQL at {}", external.url());
        return new Database(external.url(), external.username(), external.password());
    }

    private String startTemporal() {
        EmbeddedTemporalServer temporal;
        try {
            temporal = launch("Temporal test server", () -> EmbeddedTemporalServer.start(config.temporalPort()));
        } catch (StackStoppingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start the Temporal test server on port " + config.temporalPort()
                            + " (set PACKWRIGHT_TEMPORAL_PORT, or TEMPORAL_ADDRESS for an existing server): "
                            + rootMessage(e),
                    e);
        }
        LOG.info("Temporal test server (in memory, real time) is up on {}", temporal.address());
        return temporal.address();
    }

    private static void awaitSearchAttributes(CompletableFuture<Void> registration) throws InterruptedException {
        try {
            registration.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot register the release search attributes on the Temporal test server: "
                            + rootMessage(e.getCause()),
                    e.getCause());
        }
    }

    private ChildProcess startChild(String name, Path jar, int port, Map<String, String> environment) {
        Map<String, String> childEnvironment = new HashMap<>(environment);
        childEnvironment.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        // The public dev secret signs admin tokens: keep the processes off the network.
        childEnvironment.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        ClassDataSharing classDataSharing =
                config.classDataSharing() ? ClassDataSharing.of(jar, config.classDataSharingDirectory()) : null;
        if (classDataSharing != null && !classDataSharing.hasArchive()) {
            LOG.info(
                    "The {} records a class-data-sharing archive this run: its first stop takes longer, later"
                            + " starts are faster (PACKWRIGHT_CDS=false turns this off)",
                    name);
        }
        return launch(
                name,
                () -> ChildProcess.start(
                        name,
                        javaExecutable,
                        config.childJavaOptions(),
                        jar,
                        childEnvironment,
                        config.logDirectory().resolve(name + ".log"),
                        health,
                        classDataSharing));
    }

    /** Starts a component unless the stack is stopping, and registers it for {@link #stop()}. */
    private synchronized <T extends AutoCloseable> T launch(String name, Supplier<T> starter) {
        if (stopping) {
            throw new StackStoppingException();
        }
        T component = starter.get();
        running.push(new Component(name, component));
        return component;
    }

    private Path requireJar(String fileName) {
        Path jar = stackDirectory.resolve(fileName);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the stack with deploy/run-embedded.sh or"
                    + " ./mvnw -B -DskipTests package");
        }
        return jar;
    }

    private static int freeIfZero(int port) {
        if (port != 0) {
            return port;
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static String baseUrl(URI health) {
        return health.getScheme() + "://" + health.getHost() + ":" + health.getPort();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }

    /** The {@code stack/} directory next to the launcher jar (or next to {@code target/classes}). */
    private static Path stackDirectory() {
        try {
            Path location = Path.of(EmbeddedStack.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return location.toAbsolutePath().getParent().resolve("stack");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the launcher jar", e);
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElseGet(() ->
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code token <account id | admin>}: prints a development token signed like the stack's. */
    private static int printToken(StackConfig config, String subject) {
        if (subject.equals("admin")) {
            System.out.println(DevTokens.adminToken(config.jwtSecret(), Instant.now()));
            return 0;
        }
        try {
            System.out.println(DevTokens.accountToken(config.jwtSecret(), UUID.fromString(subject), Instant.now()));
            return 0;
        } catch (IllegalArgumentException notAnId) {
            System.err.println("packwright: 'token' takes an account id (a UUID) or 'admin', not '" + subject + "'");
            return 2;
        }
    }

    /**
     * {@code agent <agent options…>}: runs the runtime agent from {@code stack/packwright-agent.jar}
     * as a child process with this process's standard streams, and returns its exit code. SIGTERM
     * (or Ctrl-C) of the launcher stops the agent first.
     */
    private static int runAgent(String[] agentArgs) {
        Path jar = stackDirectory().resolve(AGENT_JAR);
        if (!Files.isRegularFile(jar)) {
            System.err.println("packwright: " + jar + " is missing: build it with deploy/run-embedded.sh or"
                    + " ./mvnw -B -DskipTests package");
            return 1;
        }
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toString()));
        command.addAll(List.of(agentArgs));
        Process agent;
        try {
            agent = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            System.err.println("packwright: cannot start the agent: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (agent.isAlive()) {
                                agent.destroy();
                                try {
                                    agent.waitFor(AGENT_STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        },
                        "packwright-agent-stop"));
        try {
            return agent.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            agent.destroy();
            return 1;
        }
    }

    private static String usage() {
        StringBuilder usage = new StringBuilder("""
                Usage: deploy/run-embedded.sh   (or java -jar deploy/target/packwright-embedded.jar)
                       deploy/run-embedded.sh token <account id | admin>
                       deploy/run-embedded.sh agent <agent options...>

                Starts PostgreSQL, Temporal's Java test server, the Packwright worker and the API,
                prints the URLs and an admin token, and stops everything on Ctrl-C.

                  token    prints a development token for an account (or an admin token), signed like
                           the stack's
                  agent    runs the runtime agent (stack/packwright-agent.jar) in the foreground instead,
                           e.g. agent --api http://127.0.0.1:8080 --token-file runtime.token;
                           'agent --help' lists its options

                Environment variables:
                """);
        for (StackConfig.Variable variable : StackConfig.VARIABLES) {
            usage.append(String.format(
                    "  %-29s %s (default: %s)%n", variable.name(), variable.meaning(), variable.defaultValue()));
        }
        return usage.toString();
    }

    /** How the api and the worker reach the database. */
    private record Database(String jdbcUrl, String username, String password) {

        Map<String, String> environment() {
            Map<String, String> environment = new HashMap<>();
            environment.put("DATASOURCES_DEFAULT_URL", jdbcUrl);
            if (username != null) {
                environment.put("DATASOURCES_DEFAULT_USERNAME", username);
            }
            if (password != null) {
                environment.put("DATASOURCES_DEFAULT_PASSWORD", password);
            }
            return environment;
        }
    }

    private record Component(String name, AutoCloseable closeable) {}

    private record Started(ChildProcess worker, ChildProcess api, Banner banner) {}

    /** The stack began to stop while it was still starting. */
    private static final class StackStoppingException extends RuntimeException {

        StackStoppingException() {
            super("the stack is stopping", null, false, false);
        }
    }
}
