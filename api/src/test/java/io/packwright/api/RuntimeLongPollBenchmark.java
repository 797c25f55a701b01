package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.packwright.activities.release.ReleaseActivitiesImpl;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.api.auth.RuntimeTokens;
import io.packwright.api.support.ApiClient;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.Benchmarks;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.release.ReleaseWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Benchmark of the runtime long-poll of issue 11: {@code packwright.benchmark.runtimes} (default
 * 1,000) runtimes, one per environment, long-poll their desired state at once on one api process
 * (embedded PostgreSQL, Temporal's test server, an in-process release worker); then an immediate
 * release reaches {@code packwright.benchmark.runtime-instances} (default 10,000) instances spread
 * evenly over those environments. Every runtime behaves like the reference agent: it long-polls
 * again from each new revision and, once all its instances run the release, reports each of them
 * {@code DEPLOYED}.
 *
 * <p>It measures how long after the commit of a fan-out batch each runtime wakes: the batch's
 * commit is when PostgreSQL delivers its notification, which a listening connection of the
 * benchmark records per environment; a runtime's wake is when its 200 arrives. It also records
 * threads and database connections while all runtimes wait, the threads at the peak of the wake
 * storm, and the deployment reports recorded. One {@code key=value} line; no assertion about the
 * figures.
 *
 * <p>Not a test that {@code ./mvnw verify} runs; run it with {@code -Dtest=RuntimeLongPollBenchmark}.
 * The line also goes to {@code target/benchmark/runtime-long-poll-benchmark.txt}.
 */
class RuntimeLongPollBenchmark {

    private static final int RUNTIMES = Integer.getInteger("packwright.benchmark.runtimes", 1_000);
    private static final int INSTANCES = Integer.getInteger("packwright.benchmark.runtime-instances", 10_000);
    private static final int ENVIRONMENTS_PER_ACCOUNT = 10;
    private static final int WAIT_SECONDS = 60;
    private static final Path REPORT = Path.of("target", "benchmark", "runtime-long-poll-benchmark.txt");

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Map<String, Long> firstNotified = new ConcurrentHashMap<>();
    private final Map<String, Long> firstWoken = new ConcurrentHashMap<>();
    private final AtomicLong releaseStarted = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger reportsSent = new AtomicInteger();
    private final AtomicInteger reportFailures = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();
    private final AtomicInteger runtimesDone = new AtomicInteger();
    private final AtomicInteger statesAnswered = new AtomicInteger();

    @Test
    void thousandsOfRuntimesWaitForOneRelease() throws Exception {
        TestDatabase database = TestDatabases.create();
        String namespace = "runtime-long-poll-" + UUID.randomUUID();
        SearchAttributeRegistrar.registerPlaintext(TestTemporalServer.shared().address(), namespace);
        Map<String, Object> properties = new HashMap<>(database.micronautProperties());
        properties.put("temporal.address", TestTemporalServer.shared().address());
        properties.put("temporal.namespace", namespace);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties, "test")) {
            ApplicationContext context = server.getApplicationContext();
            WorkerFactory workers = WorkerFactory.newInstance(context.getBean(WorkflowClient.class));
            var worker = workers.newWorker(TaskQueues.RELEASES);
            worker.registerWorkflowImplementationTypes(ReleaseWorkflowImpl.class);
            worker.registerActivitiesImplementations(context.getBean(ReleaseActivitiesImpl.class));
            workers.start();
            try {
                String line = run(server, database);
                System.out.println(line);
                Files.createDirectories(REPORT.getParent());
                Files.writeString(
                        REPORT,
                        Instant.now() + " " + line + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } finally {
                stopping.set(true);
                workers.shutdownNow();
            }
        }
    }

    private record Runtime(String token, String environment, int instances) {}

    private String run(EmbeddedServer server, TestDatabase database) throws Exception {
        JsonMapper json = server.getApplicationContext().getBean(JsonMapper.class);
        ApiClient api = new ApiClient(server.getURI(), json);
        CatalogFixtures fixtures = new CatalogFixtures(api, database);
        UUID partner = Benchmarks.createdId(api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                obj(
                        "name",
                        "Runtime benchmark partner",
                        "type",
                        "PARTNER",
                        "timeZone",
                        "Europe/Berlin",
                        "features",
                        obj("integrationPackManagement", true, "multiInstallIntegrationPacks", true))));
        UUID pack = fixtures.pack(partner, "Runtime benchmark pack", "MULTI");
        UUID component = fixtures.shareableProcess(partner, "Orders");
        fixtures.add(partner, pack, component);
        int accounts = Math.max(1, RUNTIMES / ENVIRONMENTS_PER_ACCOUNT);
        List<UUID> customers = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            customers.add(Benchmarks.createdId(api.post(
                    "/api/v1/accounts", Tokens.account(partner), obj("name", "Customer " + i, "type", "MANAGED"))));
        }
        UUID group = fixtures.group(partner, "Everyone", customers.get(0), pack);
        fixtures.exec(
                "INSERT INTO account_group_members (account_group_id, account_id, added_at)"
                        + " SELECT ?, id, now() FROM accounts WHERE parent_account_id = ? AND id <> ?",
                group,
                partner,
                customers.get(0));
        String first = release(api, partner, pack);
        Benchmarks.awaitStatus(api, partner, first, "RELEASED", Duration.ofSeconds(120));

        List<Runtime> runtimes = setUp(database, pack, UUID.fromString(first), customers);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        Map<String, Long> revisions = new ConcurrentHashMap<>();
        for (Runtime runtime : runtimes) {
            ApiResponse state = api.get("/api/v1/runtime/deployments", runtime.token());
            assertEquals(200, state.status(), state::toString);
            revisions.put(runtime.environment(), ((Number) state.get("revision")).longValue());
        }

        DatabaseNotifications notifications = server.getApplicationContext().getBean(DatabaseNotifications.class);
        System.gc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        Connections connectionsBefore = connections(database);
        for (Runtime runtime : runtimes) {
            poll(http, json, server.getURI(), runtime, revisions);
        }
        long waitingSince = System.nanoTime();
        while (notifications.waiting() < runtimes.size()
                && System.nanoTime() - waitingSince < Duration.ofSeconds(60).toNanos()) {
            Thread.sleep(20);
        }
        int waiting = notifications.waiting();
        Thread.sleep(500);
        int threadsWaiting = ManagementFactory.getThreadMXBean().getThreadCount();
        // request threads that are not parked in their pool: what the waits would hold if they held threads
        long requestThreadsBusy = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("io-executor"))
                .filter(thread ->
                        thread.getState() == Thread.State.RUNNABLE || thread.getState() == Thread.State.BLOCKED)
                .count();
        Connections connectionsWaiting = connections(database);

        AtomicInteger peakThreads = new AtomicInteger(threadsWaiting);
        Thread sampler = new Thread(() -> {
            while (!stopping.get()) {
                peakThreads.accumulateAndGet(ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        Thread listener = listen(database);

        fixtures.pkg(partner, component, "2.0", true);
        if (Boolean.getBoolean("packwright.benchmark.storm")) {
            releaseStarted.set(System.nanoTime());
            fixtures.exec("DO $$ BEGIN PERFORM bump_environment_revisions(ARRAY(SELECT id FROM environments)); END $$");
            Thread.sleep(10_000);
        }
        releaseStarted.set(System.nanoTime());
        long startedAt = System.nanoTime();
        String second = release(api, partner, pack);
        Benchmarks.awaitStatus(api, partner, second, "RELEASED", Duration.ofSeconds(120));
        long releaseMillis = (System.nanoTime() - startedAt) / 1_000_000;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (runtimesDone.get() < runtimes.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long reportsMillis = (System.nanoTime() - startedAt) / 1_000_000;
        stopping.set(true);
        listener.interrupt();
        sampler.interrupt();
        long reportsRecorded =
                Long.parseLong(fixtures.column("SELECT count(*) FROM instance_deployments WHERE release_id = '" + second
                                + "' AND state = 'DEPLOYED'")
                        .get(0));

        List<Long> wakes = new ArrayList<>();
        for (Map.Entry<String, Long> woken : firstWoken.entrySet()) {
            Long notified = firstNotified.get(woken.getKey());
            if (notified != null) {
                wakes.add(woken.getValue() - notified);
            }
        }
        Collections.sort(wakes);
        return String.format(
                "runtime_long_poll runtimes=%d instances=%d waiting=%d threads_before=%d threads_waiting=%d"
                        + " request_threads_busy_waiting=%d threads_peak_wake=%d db_connections_before=%d db_connections_waiting=%d"
                        + " db_active_waiting=%d release_ms=%d woken=%d wake_p50_ms=%.1f wake_p99_ms=%.1f"
                        + " wake_max_ms=%.1f reports_sent=%d reports_failed=%d reports_recorded=%d"
                        + " all_reported_ms=%d states_answered=%d unexpected_answers=%d",
                runtimes.size(),
                INSTANCES,
                waiting,
                threadsBefore,
                threadsWaiting,
                requestThreadsBusy,
                peakThreads.get(),
                connectionsBefore.total(),
                connectionsWaiting.total(),
                connectionsWaiting.active(),
                releaseMillis,
                wakes.size(),
                Benchmarks.percentileMillis(wakes, 0.50),
                Benchmarks.percentileMillis(wakes, 0.99),
                wakes.isEmpty() ? 0 : wakes.get(wakes.size() - 1) / 1e6,
                reportsSent.get(),
                reportFailures.get(),
                reportsRecorded,
                reportsMillis,
                statesAnswered.get(),
                unexpected.get());
    }

    /**
     * Environments (ten per account), instances spread evenly over them and attached, and one runtime
     * per environment, all in SQL.
     */
    private List<Runtime> setUp(TestDatabase database, UUID pack, UUID release, List<UUID> customers) throws Exception {
        int perEnvironment = Math.max(1, INSTANCES / RUNTIMES);
        List<Runtime> runtimes = new ArrayList<>();
        try (Connection connection = database.connect()) {
            try (PreparedStatement environments = connection.prepareStatement("""
                            INSERT INTO environments (id, account_id, name, classification, created_at)
                            VALUES (?, ?, ?, 'PROD', now())""");
                    PreparedStatement instances = connection.prepareStatement("""
                            INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                                    installed_release_id, created_at, updated_at)
                            SELECT gen_random_uuid(), ?, ?, ? || '-' || n, ?, now(), now()
                            FROM generate_series(1, ?) n""");
                    PreparedStatement attachments = connection.prepareStatement("""
                            INSERT INTO environment_attachments (id, environment_id, integration_pack_instance_id,
                                                                 created_at)
                            SELECT gen_random_uuid(), ?, i.id, now() FROM integration_pack_instances i
                            WHERE i.account_id = ? AND i.override_name LIKE ? || '-%'""");
                    PreparedStatement credentials = connection.prepareStatement("""
                            INSERT INTO runtimes (id, environment_id, name, token_sha256, created_at)
                            VALUES (gen_random_uuid(), ?, 'atom', ?, now())""")) {
                for (int i = 0; i < RUNTIMES; i++) {
                    UUID account = customers.get(i / ENVIRONMENTS_PER_ACCOUNT % customers.size());
                    UUID environment = UUID.randomUUID();
                    String name = "env-" + i;
                    environments.setObject(1, environment);
                    environments.setObject(2, account);
                    environments.setString(3, name);
                    environments.executeUpdate();
                    instances.setObject(1, account);
                    instances.setObject(2, pack);
                    instances.setString(3, name);
                    instances.setObject(4, release);
                    instances.setInt(5, perEnvironment);
                    instances.executeUpdate();
                    attachments.setObject(1, environment);
                    attachments.setObject(2, account);
                    attachments.setString(3, name);
                    attachments.executeUpdate();
                    String token = RuntimeTokens.generate();
                    credentials.setObject(1, environment);
                    credentials.setBytes(2, RuntimeTokens.sha256(token));
                    credentials.executeUpdate();
                    runtimes.add(new Runtime(token, environment.toString(), perEnvironment));
                }
            }
        }
        return runtimes;
    }

    /** One runtime's agent loop: long-poll, and report once all its instances run release 2. */
    private void poll(HttpClient http, JsonMapper json, URI base, Runtime runtime, Map<String, Long> revisions) {
        if (stopping.get()) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(
                        base.resolve("/api/v1/runtime/deployments?waitSeconds=" + WAIT_SECONDS))
                .timeout(Duration.ofSeconds(WAIT_SECONDS + 30))
                .header("Authorization", "Bearer " + runtime.token())
                .header("If-None-Match", "\"" + revisions.get(runtime.environment()) + "\"")
                .GET()
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            long now = System.nanoTime();
            if (failure != null || (response.statusCode() != 200 && response.statusCode() != 304)) {
                unexpected.incrementAndGet();
            } else if (response.statusCode() == 200) {
                if (now > releaseStarted.get()) {
                    statesAnswered.incrementAndGet();
                    firstWoken.putIfAbsent(runtime.environment(), now);
                }
                try {
                    Map<?, ?> state = json.readValue(response.body(), Map.class);
                    revisions.put(runtime.environment(), ((Number) state.get("revision")).longValue());
                    List<?> deployments = (List<?>) state.get("deployments");
                    boolean allOnTwo = deployments.size() == runtime.instances()
                            && deployments.stream()
                                    .allMatch(d -> ((Number) ((Map<?, ?>) d).get("releaseNumber")).intValue() == 2);
                    if (allOnTwo) {
                        report(http, base, runtime, deployments);
                        return;
                    }
                } catch (Exception e) {
                    unexpected.incrementAndGet();
                }
            }
            poll(http, json, base, runtime, revisions);
        });
    }

    private void report(HttpClient http, URI base, Runtime runtime, List<?> deployments) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (Object deployment : deployments) {
            String instance = (String) ((Map<?, ?>) deployment).get("integrationPackInstanceId");
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/runtime/deployments/" + instance))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + runtime.token())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"releaseNumber\":2,\"state\":\"DEPLOYED\"}"))
                    .build();
            sent.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        if (failure == null && response.statusCode() == 204) {
                            reportsSent.incrementAndGet();
                        } else {
                            reportFailures.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> runtimesDone.incrementAndGet());
    }

    /** Records when the first notification of each environment arrives after the release started. */
    private Thread listen(TestDatabase database) throws Exception {
        Connection connection = database.connect();
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN packwright_environment_changed");
        }
        PGConnection listening = connection.unwrap(PGConnection.class);
        Thread listener = new Thread(() -> {
            try (connection) {
                while (!stopping.get()) {
                    PGNotification[] arrived = listening.getNotifications(100);
                    long now = System.nanoTime();
                    if (arrived != null) {
                        for (PGNotification notification : arrived) {
                            firstNotified.putIfAbsent(notification.getParameter(), now);
                        }
                    }
                }
            } catch (Exception e) {
                if (!stopping.get()) {
                    unexpected.incrementAndGet();
                }
            }
        });
        listener.setDaemon(true);
        listener.start();
        return listener;
    }

    private record Connections(long total, long active) {}

    private static Connections connections(TestDatabase database) throws Exception {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT count(*) AS total, count(*) FILTER (WHERE state <> 'idle') AS active
                        FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()""")) {
            rows.next();
            return new Connections(rows.getLong("total"), rows.getLong("active"));
        }
    }

    private static String release(ApiClient api, UUID partner, UUID pack) {
        ApiResponse response = api.post(
                "/api/v1/integration-packs/" + pack + "/releases",
                Tokens.account(partner),
                obj("releaseSchedule", "IMMEDIATELY"));
        assertEquals(202, response.status(), response::toString);
        return response.string("id");
    }
}
