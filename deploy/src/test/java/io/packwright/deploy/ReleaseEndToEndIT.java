package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.google.protobuf.ByteString;
import io.packwright.activities.store.embedded.EmbeddedPostgresServer;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.workflows.release.ReleaseWorkflowResult;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Releases end to end on the real processes: an embedded PostgreSQL, Temporal's test server as a
 * gRPC endpoint in real time, and the api and the worker as their own JVMs from the runnable jars of
 * the stack, all on free ports, driven over HTTP.
 *
 * <p>The test composes the stack from the launcher's own parts ({@link EmbeddedPostgresServer},
 * {@link EmbeddedTemporalServer}, {@link ChildProcess}, the same jars and environment variables)
 * instead of running the launcher, because one scenario kills the worker with SIGKILL and starts a
 * new one under the running api, database and Temporal; the launcher, on purpose, stops the whole
 * stack as soon as a child dies.
 *
 * <p>One stack serves both scenarios, and they run at the same time (JUnit's parallel execution is
 * enabled in {@code junit-platform.properties}; only methods marked concurrent use it): the midnight
 * scenario spends most of its time waiting for the partner's midnight, which is when the other one
 * kills and replaces the worker, so that scheduled release's durable timer also outlives a worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseEndToEndIT {

    private static final String NAMESPACE = "default";
    private static final String SECRET = "release-end-to-end-it-" + UUID.randomUUID();
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(180);
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    private static final int BULK_INSTANCES = 100_000;
    private static final int BULK_ACCOUNTS = 4;
    /** The worker is killed once this many instances have the release: clearly under way (10 %). */
    private static final long KILL_FROM = BULK_INSTANCES / 10;
    /** ... and clearly not almost done (80 %). */
    private static final long KILL_BY = BULK_INSTANCES * 8 / 10;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path stackDirectory;
    private Path logDirectory;
    private EmbeddedPostgresServer postgres;
    private EmbeddedTemporalServer temporal;
    private String jdbcUrl;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
    private ChildProcess api;
    private volatile ChildProcess worker;
    private URI apiBase;

    @BeforeAll
    void startStack() throws InterruptedException {
        Path launcherJar = Path.of(System.getProperty("packwright.stack.jar", "target/packwright-embedded.jar"))
                .toAbsolutePath();
        stackDirectory = launcherJar.getParent().resolve("stack");
        logDirectory = launcherJar.getParent().resolve("release-end-to-end-it");
        for (String jar : List.of("packwright-api.jar", "packwright-worker.jar")) {
            assertTrue(
                    Files.isRegularFile(stackDirectory.resolve(jar)),
                    stackDirectory.resolve(jar) + " is copied there by the package phase");
        }
        long started = System.nanoTime();
        postgres = EmbeddedPostgresServer.startEphemeral();
        postgres.createDatabaseIfMissing(EmbeddedStack.DATABASE);
        jdbcUrl = postgres.jdbcUrl(EmbeddedStack.DATABASE);
        temporal = EmbeddedTemporalServer.start(0);
        SearchAttributeRegistrar.registerPlaintext(temporal.address(), NAMESPACE);

        worker = startWorker("worker.log");
        api = startChild("api", "packwright-api.jar", Map.of("PACKWRIGHT_JWT_SECRET", SECRET), "api.log");
        ChildProcess.awaitHealthy(List.of(worker, api), HEALTH_TIMEOUT);
        URI health = api.healthUri();
        apiBase = URI.create(health.getScheme() + "://" + health.getHost() + ":" + health.getPort());
        log(
                "stack up in %d ms: api %s, worker pid %d, Temporal %s, %s",
                millisSince(started), apiBase, worker.pid(), temporal.address(), jdbcUrl);
    }

    @AfterAll
    void stopStack() {
        children.forEach(ChildProcess::requestStop);
        children.forEach(ChildProcess::close);
        if (temporal != null) {
            temporal.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * A partner whose local midnight is a minute or two away schedules a release for its tomorrow:
     * during the (short) testing period the instance shows the pending update; at midnight the
     * release becomes current and is applied automatically, in real time.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aScheduledReleaseIsAppliedAutomaticallyAtThePartnersMidnight() {
        Instant now = Instant.now();
        ZoneOffset offset = offsetWithMidnightSoon(now);
        LocalDate tomorrow = LocalDate.ofInstant(now, offset).plusDays(1);
        Instant midnight = tomorrow.atStartOfDay(offset).toInstant();
        log(
                "partner time zone %s: local midnight (%s) is at %s, in %d s",
                timeZone(offset),
                tomorrow,
                midnight,
                Duration.between(now, midnight).toSeconds());

        UUID partner = partner("Midnight Integrations", timeZone(offset), false);
        UUID customer = managed(partner, "Midnight customer");
        UUID component = component(partner, "Sync orders");
        pkg(partner, component, "1.0.0");
        UUID pack = pack(partner, "Midnight pack", "SINGLE");
        addMember(partner, pack, component);
        group(partner, "Midnight group", pack, List.of(customer));
        JsonNode first = release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        // patient: the other test may be replacing the worker right now
        awaitRelease(partner, first, r -> status(r).equals("RELEASED"), Duration.ofSeconds(120), "RELEASED");

        JsonNode installed = call(
                "POST",
                "/api/v1/integration-pack-instances",
                token(customer),
                Map.of("integrationPackId", pack.toString()),
                201);
        String instance = installed.path("id").asText();
        assertEquals(1, installed.path("installedReleaseNumber").asInt(), installed::toString);
        assertTrue(installed.path("pendingUpdate").isNull(), installed::toString);

        pkg(partner, component, "1.1.0");
        assertTrue(
                Instant.now().isBefore(midnight.minusSeconds(10)),
                "the set-up must end before the partner's midnight (" + midnight + "); it ended at " + Instant.now());
        JsonNode scheduled = release(
                partner,
                pack,
                Map.of("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", tomorrow.toString()));
        Instant requested = Instant.now();
        assertEquals("SCHEDULED", status(scheduled), scheduled::toString);
        assertEquals(2, scheduled.path("releaseNumber").asInt(), scheduled::toString);
        assertEquals(tomorrow.toString(), scheduled.path("releaseOnDate").asText(), scheduled::toString);
        Instant windowStart = Instant.parse(scheduled.path("windowStart").asText());
        Instant windowEnd = Instant.parse(scheduled.path("windowEnd").asText());
        assertEquals(midnight, windowStart, "windowStart is the start of releaseOnDate in the partner's offset");
        assertEquals(midnight.plus(Duration.ofHours(1)), windowEnd, scheduled::toString);
        Duration untilWindow = Duration.between(requested, windowStart);
        assertTrue(
                !untilWindow.isNegative() && untilWindow.compareTo(Duration.ofMinutes(2)) <= 0,
                "the window starts within 2 minutes of the request, not in " + untilWindow);

        JsonNode waiting = call("GET", "/api/v1/integration-pack-instances/" + instance, token(customer), null, 200);
        assertEquals(1, waiting.path("installedReleaseNumber").asInt(), waiting::toString);
        JsonNode pendingUpdate = waiting.path("pendingUpdate");
        assertEquals(2, pendingUpdate.path("releaseNumber").asInt(), waiting::toString);
        assertEquals(tomorrow.toString(), pendingUpdate.path("releaseOnDate").asText(), waiting::toString);
        assertEquals(
                windowStart, Instant.parse(pendingUpdate.path("windowStart").asText()), waiting::toString);
        JsonNode beforeWindow = releaseById(partner, scheduled);
        if (Instant.now().isBefore(windowStart)) {
            assertEquals("SCHEDULED", status(beforeWindow), beforeWindow::toString);
            assertEquals(1, progress(beforeWindow, "remaining"), beforeWindow::toString);
            assertEquals(0, progress(beforeWindow, "applied"), beforeWindow::toString);
        }

        Duration patience = Duration.between(Instant.now(), windowStart).plus(Duration.ofMinutes(3));
        JsonNode released = awaitRelease(
                partner, scheduled, r -> status(r).equals("RELEASED"), patience, "RELEASED after its window");
        Instant startedAt = Instant.parse(released.path("startedAt").asText());
        Instant completedAt = Instant.parse(released.path("completedAt").asText());
        log(
                "scheduled release opened %d ms after the window start and completed %d ms after it",
                startedAt.toEpochMilli() - windowStart.toEpochMilli(),
                completedAt.toEpochMilli() - windowStart.toEpochMilli());
        assertFalse(startedAt.isBefore(windowStart), "opened at " + startedAt + ", before its window " + windowStart);
        assertEquals(1, progress(released, "instances"), released::toString);
        assertEquals(1, progress(released, "applied"), released::toString);
        assertEquals(1, progress(released, "appliedAutomatically"), released::toString);
        assertEquals(0, progress(released, "appliedManually"), released::toString);
        assertEquals(0, progress(released, "failed"), released::toString);
        assertEquals(0, progress(released, "remaining"), released::toString);

        JsonNode updated = call("GET", "/api/v1/integration-pack-instances/" + instance, token(customer), null, 200);
        assertEquals(2, updated.path("installedReleaseNumber").asInt(), updated::toString);
        assertTrue(updated.path("pendingUpdate").isNull(), updated::toString);

        JsonNode ledger = call("GET", "/api/v1/releases/" + id(scheduled) + "/instances", token(partner), null, 200);
        assertEquals(1, ledger.path("items").size(), ledger::toString);
        JsonNode entry = ledger.path("items").get(0);
        assertEquals(instance, entry.path("integrationPackInstanceId").asText(), ledger::toString);
        assertEquals(customer.toString(), entry.path("accountId").asText(), ledger::toString);
        assertEquals("APPLIED", entry.path("status").asText(), ledger::toString);
        assertEquals("AUTOMATIC", entry.path("mode").asText(), ledger::toString);
        Instant appliedAt = Instant.parse(entry.path("appliedAt").asText());
        assertFalse(appliedAt.isBefore(windowStart), "applied at " + appliedAt + ", before the window " + windowStart);
        assertTrue(appliedAt.isBefore(windowEnd), "applied at " + appliedAt + ", after the window " + windowEnd);

        JsonNode packNow = call("GET", "/api/v1/integration-packs/" + pack, token(partner), null, 200);
        assertEquals(2, packNow.path("currentRelease").path("releaseNumber").asInt(), packNow::toString);
    }

    /**
     * An immediate release to 100,000 instances whose worker is killed with SIGKILL mid-way, then
     * replaced by a new worker process: the release finishes, and every instance got it exactly once.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aWorkerKilledMidReleaseLeavesEveryInstanceOnTheReleaseExactlyOnce() throws Exception {
        UUID partner = partner("Bulk Integrations", "Europe/Berlin", true);
        List<UUID> customers = new ArrayList<>();
        for (int i = 1; i <= BULK_ACCOUNTS; i++) {
            customers.add(managed(partner, "Bulk customer " + i));
        }
        UUID component = component(partner, "Bulk sync");
        pkg(partner, component, "1.0.0");
        UUID pack = pack(partner, "Bulk pack", "MULTI");
        addMember(partner, pack, component);
        group(partner, "Bulk group", pack, customers);
        JsonNode first = release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        awaitRelease(partner, first, r -> status(r).equals("RELEASED"), Duration.ofSeconds(60), "RELEASED");
        long inserting = System.nanoTime();
        insertInstances(pack, UUID.fromString(id(first)), customers);
        log("inserted %d instances in %d ms", BULK_INSTANCES, millisSince(inserting));
        pkg(partner, component, "2.0.0");

        long posted = System.nanoTime();
        JsonNode second = release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        UUID secondId = UUID.fromString(id(second));
        JsonNode atKill = killWorkerMidway(partner, second);
        long appliedAtKill = progress(atKill, "applied");
        log(
                "worker killed %d ms after the release was posted, with %d of %d applied",
                millisSince(posted), appliedAtKill, BULK_INSTANCES);

        Thread.sleep(3_000);
        JsonNode withoutWorker = releaseById(partner, second);
        assertEquals("IN_PROGRESS", status(withoutWorker), withoutWorker::toString);
        assertEquals(
                appliedAtKill,
                progress(withoutWorker, "applied"),
                "nothing applies the release while no worker runs: " + withoutWorker);

        long restarting = System.nanoTime();
        worker = startWorker("worker-after-kill.log");
        ChildProcess.awaitHealthy(List.of(worker), HEALTH_TIMEOUT);
        log("new worker (pid %d) up in %d ms", worker.pid(), millisSince(restarting));
        JsonNode released = awaitRelease(
                partner, second, r -> status(r).equals("RELEASED"), Duration.ofMinutes(4), "RELEASED after the kill");
        log(
                "release RELEASED %d ms after the new worker was started, %d ms after it was posted",
                millisSince(restarting), millisSince(posted));

        assertEquals(BULK_INSTANCES, progress(released, "instances"), released::toString);
        assertEquals(BULK_INSTANCES, progress(released, "applied"), released::toString);
        assertEquals(BULK_INSTANCES, progress(released, "appliedAutomatically"), released::toString);
        assertEquals(0, progress(released, "appliedManually"), released::toString);
        assertEquals(0, progress(released, "failed"), released::toString);
        assertEquals(0, progress(released, "remaining"), released::toString);
        JsonNode failures =
                call("GET", "/api/v1/releases/" + secondId + "/instances?status=FAILED", token(partner), null, 200);
        assertEquals(0, failures.path("items").size(), failures::toString);

        try (Connection connection = connect()) {
            assertEquals(
                    BULK_INSTANCES,
                    count(
                            connection,
                            "SELECT count(*) FROM integration_pack_instances WHERE integration_pack_id = ?",
                            pack));
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM integration_pack_instances"
                                    + " WHERE integration_pack_id = ? AND installed_release_id <> ?",
                            pack,
                            secondId),
                    "no instance is left on an older release");
            Map<String, Long> ledgerByOutcome = new LinkedHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT status || '/' || coalesce(mode, '-'), count(*) FROM release_instances
                    WHERE release_id = ? GROUP BY 1 ORDER BY 1""")) {
                statement.setObject(1, secondId);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ledgerByOutcome.put(rows.getString(1), rows.getLong(2));
                    }
                }
            }
            assertEquals(
                    Map.of("APPLIED/IMMEDIATE", (long) BULK_INSTANCES),
                    ledgerByOutcome,
                    "one APPLIED ledger row in mode IMMEDIATE per instance, nothing MANUAL, AUTOMATIC or FAILED");
            assertEquals(
                    BULK_INSTANCES,
                    count(connection, """
                            SELECT count(*) FROM release_instances ri
                            JOIN integration_pack_instances i ON i.id = ri.integration_pack_instance_id
                            WHERE ri.release_id = ? AND i.integration_pack_id = ? AND i.installed_release_id = ?
                              AND ri.account_id = i.account_id AND ri.applied_at IS NOT NULL""", secondId, pack, secondId),
                    "every ledger row is an instance of the pack, of its account, now on the release");
            for (UUID customer : customers) {
                assertEquals(
                        BULK_INSTANCES / BULK_ACCOUNTS,
                        count(
                                connection,
                                "SELECT count(*) FROM release_instances WHERE release_id = ? AND account_id = ?",
                                secondId,
                                customer),
                        "ledger rows of account " + customer);
            }
            assertEquals(
                    List.of("RELEASED", 0L, (long) BULK_INSTANCES, 0L),
                    row(
                            connection,
                            "SELECT status, applied_manually, applied_automatically, failed FROM releases"
                                    + " WHERE id = ?",
                            secondId),
                    "the release's counters equal its ledger");
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ?",
                            UUID.fromString(id(first))),
                    "the first release's ledger is untouched");
        }

        reportWorkflow(second.path("workflowId").asText());
    }

    /**
     * Polls the release until at least {@link #KILL_FROM} instances have it, then kills the worker
     * with SIGKILL.
     *
     * @return the release as read after the kill (its committed progress)
     */
    private JsonNode killWorkerMidway(UUID partner, JsonNode release) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode seen;
        do {
            seen = releaseById(partner, release);
            long applied = progress(seen, "applied");
            if (applied >= KILL_FROM) {
                assertTrue(
                        applied <= KILL_BY && status(seen).equals("IN_PROGRESS"),
                        "the fan-out went from under " + KILL_FROM + " to past " + KILL_BY
                                + " applied between two polls, so the worker cannot be killed mid-way: " + seen);
                ProcessHandle handle = ProcessHandle.of(worker.pid())
                        .orElseThrow(() -> new AssertionError(
                                "the worker exited before it could be killed:\n" + worker.logTail(40)));
                assertTrue(handle.destroyForcibly(), "SIGKILL sent to the worker");
                worker.onExit().get(30, TimeUnit.SECONDS);
                assertEquals(137, worker.exitValue(), "the worker died of SIGKILL (128 + 9)");
                log("killed the worker (pid %d) when the api reported %d applied", worker.pid(), applied);
                JsonNode after = releaseById(partner, release);
                assertEquals("IN_PROGRESS", status(after), after::toString);
                assertTrue(progress(after, "applied") < BULK_INSTANCES, after::toString);
                return after;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return fail("the release never got to " + KILL_FROM + " applied: " + seen + "\n" + worker.logTail(40));
    }

    /** Prints what the release's workflow did: its runs, events and activity attempts. */
    private void reportWorkflow(String workflowId) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(temporal.address())
                .build());
        try {
            WorkflowClient client = WorkflowClient.newInstance(
                    stubs,
                    WorkflowClientOptions.newBuilder().setNamespace(NAMESPACE).build());
            assertEquals(
                    WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
                    client.newUntypedWorkflowStub(workflowId).describe().getStatus(),
                    "the release workflow completed");
            int runs = 0;
            long events = 0;
            long activities = 0;
            long retriedAttempts = 0;
            String runId = "";
            while (runId != null) {
                runs++;
                String previous = null;
                ByteString page = ByteString.EMPTY;
                do {
                    GetWorkflowExecutionHistoryResponse response = stubs.blockingStub()
                            .getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
                                    .setNamespace(NAMESPACE)
                                    .setExecution(WorkflowExecution.newBuilder()
                                            .setWorkflowId(workflowId)
                                            .setRunId(runId))
                                    .setNextPageToken(page)
                                    .build());
                    for (HistoryEvent event : response.getHistory().getEventsList()) {
                        events++;
                        if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
                            activities++;
                        } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
                                && event.getActivityTaskStartedEventAttributes().getAttempt() > 1) {
                            retriedAttempts++;
                        } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
                            String continued = event.getWorkflowExecutionStartedEventAttributes()
                                    .getContinuedExecutionRunId();
                            previous = continued.isEmpty() ? null : continued;
                        }
                    }
                    page = response.getNextPageToken();
                } while (!page.isEmpty());
                runId = previous;
            }
            ReleaseWorkflowResult result =
                    client.newUntypedWorkflowStub(workflowId).getResult(ReleaseWorkflowResult.class);
            log("release workflow result (the workflow's own counts, for the operator's view): %s", result);
            log(
                    "release workflow %s: %d run(s), %d history events, %d activities scheduled, %d retried attempt(s)"
                            + " completed after the kill",
                    workflowId, runs, events, activities, retriedAttempts);
        } finally {
            stubs.shutdownNow();
        }
    }

    // --- the stack ---

    private ChildProcess startWorker(String logFile) {
        // as the embedded stack does: the Java test server never hands the sticky tasks of a killed
        // worker to another one
        return startChild(
                "worker", "packwright-worker.jar", Map.of("PACKWRIGHT_WORKER_STICKY_EXECUTION", "false"), logFile);
    }

    private ChildProcess startChild(String name, String jar, Map<String, String> extra, String logFile) {
        int port = freePort();
        Map<String, String> environment = new HashMap<>(extra);
        environment.put("DATASOURCES_DEFAULT_URL", jdbcUrl);
        environment.put("DATASOURCES_DEFAULT_USERNAME", EmbeddedPostgresServer.SUPERUSER);
        environment.put("DATASOURCES_DEFAULT_PASSWORD", "");
        environment.put("TEMPORAL_ADDRESS", temporal.address());
        environment.put("TEMPORAL_NAMESPACE", NAMESPACE);
        environment.put("PACKWRIGHT_DEVELOPMENT_MODE", "true");
        environment.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        environment.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
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

    // --- the API ---

    private UUID partner(String name, String timeZone, boolean multiInstall) {
        JsonNode created = call(
                "POST",
                "/api/v1/accounts",
                DevTokens.adminToken(SECRET, Instant.now()),
                Map.of(
                        "name",
                        name,
                        "type",
                        "PARTNER",
                        "timeZone",
                        timeZone,
                        "features",
                        Map.of("integrationPackManagement", true, "multiInstallIntegrationPacks", multiInstall)),
                201);
        assertEquals(timeZone, created.path("timeZone").asText(), created::toString);
        return UUID.fromString(created.path("id").asText());
    }

    private UUID managed(UUID partner, String name) {
        return createdId(
                call("POST", "/api/v1/accounts", token(partner), Map.of("name", name, "type", "MANAGED"), 201));
    }

    private UUID component(UUID partner, String name) {
        return createdId(
                call("POST", "/api/v1/components", token(partner), Map.of("name", name, "type", "PROCESS"), 201));
    }

    private void pkg(UUID partner, UUID component, String version) {
        call(
                "POST",
                "/api/v1/components/" + component + "/packages",
                token(partner),
                Map.of("packageVersion", version, "shareable", true, "extensions", List.of()),
                201);
    }

    private UUID pack(UUID partner, String name, String installationType) {
        return createdId(call(
                "POST",
                "/api/v1/integration-packs",
                token(partner),
                Map.of("name", name, "description", "end-to-end test", "installationType", installationType),
                201));
    }

    private void addMember(UUID partner, UUID pack, UUID component) {
        call("PUT", "/api/v1/integration-packs/" + pack + "/components/" + component, token(partner), null, 204);
    }

    private void group(UUID partner, String name, UUID pack, List<UUID> members) {
        UUID group = createdId(call("POST", "/api/v1/account-groups", token(partner), Map.of("name", name), 201));
        for (UUID member : members) {
            call("PUT", "/api/v1/account-groups/" + group + "/accounts/" + member, token(partner), null, 204);
        }
        call("PUT", "/api/v1/account-groups/" + group + "/integration-packs/" + pack, token(partner), null, 204);
    }

    private JsonNode release(UUID partner, UUID pack, Map<String, Object> body) {
        return call("POST", "/api/v1/integration-packs/" + pack + "/releases", token(partner), body, 202);
    }

    private JsonNode releaseById(UUID partner, JsonNode release) {
        return call("GET", "/api/v1/releases/" + id(release), token(partner), null, 200);
    }

    private JsonNode awaitRelease(
            UUID partner, JsonNode release, Predicate<JsonNode> done, Duration patience, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        JsonNode seen;
        do {
            seen = releaseById(partner, release);
            if (done.test(seen)) {
                return seen;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        return fail("release " + id(release) + " not " + what + " within " + patience.toSeconds() + " s: " + seen
                + "\nworker log:\n" + worker.logTail(60));
    }

    private JsonNode call(String method, String path, String token, Object body, int expectedStatus) {
        HttpRequest.Builder request = HttpRequest.newBuilder(apiBase.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token);
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(
                    expectedStatus,
                    response.statusCode(),
                    () -> method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            return response.body().isEmpty() ? MissingNode.getInstance() : json.readTree(response.body());
        } catch (HttpTimeoutException e) {
            throw new AssertionError(method + " " + path + " got no answer within 30 s. " + diagnostics(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the database is busy with, and a thread dump of the api in the log directory. */
    private String diagnostics() {
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

    private static String token(UUID account) {
        return DevTokens.accountToken(SECRET, account, Instant.now());
    }

    private static UUID createdId(JsonNode created) {
        return UUID.fromString(created.path("id").asText());
    }

    private static String id(JsonNode release) {
        return release.path("id").asText();
    }

    private static String status(JsonNode release) {
        return release.path("status").asText();
    }

    private static long progress(JsonNode release, String counter) {
        JsonNode value = release.path("progress").path(counter);
        assertTrue(value.isNumber(), () -> "no progress." + counter + " in " + release);
        return value.asLong();
    }

    // --- time zones ---

    /**
     * The fixed offset, between -12:00 and +14:00 in whole minutes, whose next local midnight is 60 to
     * 120 seconds after {@code now}. There is always one: the offsets span more than a day.
     */
    static ZoneOffset offsetWithMidnightSoon(Instant now) {
        for (int minutes = -12 * 60; minutes <= 14 * 60; minutes++) {
            long local = now.toEpochMilli() + minutes * 60_000L;
            long untilMidnight = DAY_MILLIS - Math.floorMod(local, DAY_MILLIS);
            if (untilMidnight >= 60_000 && untilMidnight < 120_000) {
                return ZoneOffset.ofTotalSeconds(minutes * 60);
            }
        }
        throw new IllegalStateException("no offset puts midnight 60 to 120 s after " + now);
    }

    /** {@code ±HH:MM}, as the API takes fixed offsets ({@link ZoneOffset#getId()} says {@code Z} for zero). */
    static String timeZone(ZoneOffset offset) {
        int minutes = Math.abs(offset.getTotalSeconds()) / 60;
        return String.format("%s%02d:%02d", offset.getTotalSeconds() < 0 ? "-" : "+", minutes / 60, minutes % 60);
    }

    // --- the database ---

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, EmbeddedPostgresServer.SUPERUSER, "");
    }

    /**
     * {@link #BULK_INSTANCES} instances of the MULTI {@code pack} on {@code release}, spread evenly
     * over {@code accounts}, in one set-based statement; random ids, unique override names.
     */
    private void insertInstances(UUID pack, UUID release, List<UUID> accounts) throws SQLException {
        try (Connection connection = connect()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                            installed_release_id, created_at, updated_at)
                    SELECT gen_random_uuid(), (?::uuid[])[1 + n % ?], ?, 'bulk-' || n, ?, now(), now()
                    FROM generate_series(1, ?) n""")) {
                insert.setArray(1, connection.createArrayOf("uuid", accounts.toArray()));
                insert.setInt(2, accounts.size());
                insert.setObject(3, pack);
                insert.setObject(4, release);
                insert.setInt(5, BULK_INSTANCES);
                assertEquals(BULK_INSTANCES, insert.executeUpdate());
            }
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("ANALYZE integration_pack_instances");
            }
        }
    }

    private static long count(Connection connection, String sql, Object... parameters) throws SQLException {
        return (Long) row(connection, sql, parameters).get(0);
    }

    private static List<Object> row(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                assertTrue(rows.next(), sql);
                List<Object> values = new ArrayList<>();
                for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                    values.add(rows.getObject(column));
                }
                return values;
            }
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void log(String format, Object... arguments) {
        System.out.printf("[%s] %s%n", Instant.now(), String.format(format, arguments));
    }
}
