package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.packwright.activities.release.ReleaseActivitiesImpl;
import io.packwright.activities.schedule.ProcessLaneWorkflows;
import io.packwright.activities.schedule.ProcessScheduleActivitiesImpl;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.api.auth.RuntimeTokens;
import io.packwright.api.support.ApiClient;
import io.packwright.api.support.Benchmarks;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.WorkerTuning;
import io.packwright.workflows.release.ReleaseWorkflowImpl;
import io.packwright.workflows.schedule.ProcessLane;
import io.packwright.workflows.schedule.ProcessScheduleWorkflow;
import io.packwright.workflows.schedule.ProcessScheduleWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
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
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Benchmark of process schedules (issue 12): {@code packwright.benchmark.schedules} (default 1,000)
 * schedules fire every minute for {@code packwright.benchmark.schedule-minutes} (default 10) minutes
 * on one api process with an in-process worker (embedded PostgreSQL, Temporal's test server), while
 * one runtime per environment (ten schedules each) claims with a long-poll and reports every
 * execution {@code SUCCEEDED} at once. It counts the fires expected in the window against the
 * execution rows (lost, duplicated), the lateness from the scheduled instant to the row ({@code
 * queued_at}), the Temporal actions per fire (runs, activities scheduled, timers, signals), peak
 * heap, and the claims' results. One {@code key=value} line; no assertion about the figures.
 *
 * <p>Not a test that {@code ./mvnw verify} runs; run it with {@code -Dtest=ScheduleFiringBenchmark}.
 * The line also goes to {@code target/benchmark/schedule-firing-benchmark.txt}.
 */
class ScheduleFiringBenchmark {

    private static final int SCHEDULES = Integer.getInteger("packwright.benchmark.schedules", 1_000);
    private static final int MINUTES = Integer.getInteger("packwright.benchmark.schedule-minutes", 10);
    private static final int SCHEDULES_PER_ENVIRONMENT = 10;
    /** The worker process's own options; the cache can be set apart to see what it is worth. */
    private static final WorkerTuning TUNING = cacheOf(Integer.getInteger(
            "packwright.benchmark.workflow-cache-size", WorkerTuning.defaults().workflowCacheSize()));

    private static final Path REPORT = Path.of("target", "benchmark", "schedule-firing-benchmark.txt");

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger claimed = new AtomicInteger();
    private final AtomicInteger reported = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();
    private final AtomicLong peakHeap = new AtomicLong();

    @Test
    void thousandsOfSchedulesFireEveryMinute() throws Exception {
        TestDatabase database = TestDatabases.create();
        String namespace = "schedule-firing-" + UUID.randomUUID();
        SearchAttributeRegistrar.registerPlaintext(TestTemporalServer.shared().address(), namespace);
        Map<String, Object> properties = new HashMap<>(database.micronautProperties());
        properties.put("temporal.address", TestTemporalServer.shared().address());
        properties.put("temporal.namespace", namespace);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties, "test")) {
            ApplicationContext context = server.getApplicationContext();
            WorkerFactory workers =
                    WorkerFactory.newInstance(context.getBean(WorkflowClient.class), TUNING.factoryOptions());
            var worker = workers.newWorker(TaskQueues.RELEASES, TUNING.workerOptions());
            worker.registerWorkflowImplementationTypes(ReleaseWorkflowImpl.class, ProcessScheduleWorkflowImpl.class);
            worker.registerActivitiesImplementations(
                    context.getBean(ReleaseActivitiesImpl.class), context.getBean(ProcessScheduleActivitiesImpl.class));
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

    private record Lane(ProcessLane lane, String token) {}

    private String run(EmbeddedServer server, TestDatabase database) throws Exception {
        ApplicationContext context = server.getApplicationContext();
        JsonMapper json = context.getBean(JsonMapper.class);
        ApiClient api = new ApiClient(server.getURI(), json);
        CatalogFixtures fixtures = new CatalogFixtures(api, database);
        UUID partner = Benchmarks.createdId(api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                obj(
                        "name",
                        "Schedule benchmark partner",
                        "type",
                        "PARTNER",
                        "timeZone",
                        "UTC",
                        "features",
                        obj("integrationPackManagement", true, "multiInstallIntegrationPacks", true))));
        UUID customer = Benchmarks.createdId(
                api.post("/api/v1/accounts", Tokens.account(partner), obj("name", "Customer", "type", "MANAGED")));
        UUID pack = fixtures.pack(partner, "Schedule benchmark pack", "MULTI");
        UUID component = fixtures.shareableProcess(partner, "Orders");
        fixtures.add(partner, pack, component);
        fixtures.group(partner, "Everyone", customer, pack);
        String release = api.post(
                        "/api/v1/integration-packs/" + pack + "/releases",
                        Tokens.account(partner),
                        obj("releaseSchedule", "IMMEDIATELY"))
                .string("id");
        Benchmarks.awaitStatus(api, partner, release, "RELEASED", Duration.ofSeconds(60));

        List<Lane> lanes = setUp(database, customer, pack, component, UUID.fromString(release));
        ProcessLaneWorkflows workflows = context.getBean(ProcessLaneWorkflows.class);
        for (Lane lane : lanes) {
            workflows.start(lane.lane());
        }
        // the window: whole minutes that every workflow, started by now, will fire
        Instant from =
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
        Instant to = from.plus(Duration.ofMinutes(MINUTES - 1));

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        Map<String, String> tokens = new HashMap<>();
        lanes.forEach(lane -> tokens.put(lane.lane().environmentId().toString(), lane.token()));
        for (String token : tokens.values()) {
            claim(http, json, server.getURI(), token);
        }
        Thread sampler = new Thread(() -> {
            while (!stopping.get()) {
                peakHeap.accumulateAndGet(
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();

        Thread.sleep(Duration.between(Instant.now(), to.plusSeconds(20)).toMillis());
        stopping.set(true);

        long expected = (long) lanes.size() * MINUTES;
        List<Long> lateness = new ArrayList<>();
        long rows;
        long distinct;
        try (Connection connection = database.connect()) {
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT count(*), count(DISTINCT (schedule_id, scheduled_for)) FROM process_executions
                    WHERE trigger = 'SCHEDULE' AND scheduled_for BETWEEN ? AND ?""")) {
                statement.setObject(1, java.sql.Timestamp.from(from));
                statement.setObject(2, java.sql.Timestamp.from(to));
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    rows = result.getLong(1);
                    distinct = result.getLong(2);
                }
            }
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT (extract(epoch FROM queued_at - scheduled_for) * 1e9)::bigint FROM process_executions
                    WHERE trigger = 'SCHEDULE' AND scheduled_for BETWEEN ? AND ?""")) {
                statement.setObject(1, java.sql.Timestamp.from(from));
                statement.setObject(2, java.sql.Timestamp.from(to));
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        lateness.add(result.getLong(1));
                    }
                }
            }
        }
        Collections.sort(lateness);
        String perMinute = perMinute(database, from, to);
        long actions = 0;
        WorkflowClient client = context.getBean(WorkflowClient.class);
        // where a fire's lateness goes: the server firing the timer, a worker taking the task, the task
        List<Long> timerLag = new ArrayList<>();
        List<Long> pickUpLag = new ArrayList<>();
        List<Long> taskTime = new ArrayList<>();
        for (Lane lane : lanes) {
            ProcessLane l = lane.lane();
            Instant timerFired = null;
            Instant taskStarted = null;
            for (HistoryEvent event : client.fetchHistory(
                            ProcessScheduleWorkflow.workflowId(l.instanceId(), l.componentId(), l.environmentId()))
                    .getEvents()) {
                EventType type = event.getEventType();
                Instant at = Instant.ofEpochSecond(
                        event.getEventTime().getSeconds(), event.getEventTime().getNanos());
                if (type == EventType.EVENT_TYPE_TIMER_FIRED && !at.isBefore(from) && !at.isAfter(to.plusSeconds(59))) {
                    timerFired = at;
                    // every schedule fires on the minute
                    timerLag.add(Duration.between(at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES), at)
                            .toNanos());
                } else if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED && timerFired != null) {
                    taskStarted = at;
                    pickUpLag.add(Duration.between(timerFired, at).toNanos());
                    timerFired = null;
                } else if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && taskStarted != null) {
                    taskTime.add(Duration.between(taskStarted, at).toNanos());
                    taskStarted = null;
                }
                // a local activity's result is a marker; it is billed like an activity
                if (type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
                        || type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                        || type == EventType.EVENT_TYPE_MARKER_RECORDED
                        || type == EventType.EVENT_TYPE_TIMER_STARTED
                        || type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
                    actions++;
                }
            }
        }
        Collections.sort(timerLag);
        Collections.sort(pickUpLag);
        Collections.sort(taskTime);
        long allFires = count(database, "SELECT count(*) FROM process_executions WHERE trigger = 'SCHEDULE'");
        return String.format(
                "schedule_firing schedules=%d minutes=%d expected_fires=%d fires_in_window=%d lost=%d duplicated=%d"
                        + " lateness_p50_ms=%.1f lateness_p99_ms=%.1f lateness_max_ms=%.1f actions_per_fire=%.1f"
                        + " heap_peak_mib=%d claimed=%d reported=%d unexpected_answers=%d fires_and_p99_ms_per_minute=%s"
                        + " timer_lag_p50_ms=%.1f timer_lag_p99_ms=%.1f pick_up_p50_ms=%.1f pick_up_p99_ms=%.1f"
                        + " task_p50_ms=%.1f task_p99_ms=%.1f workflow_cache=%d workflow_task_slots=%d",
                lanes.size(),
                MINUTES,
                expected,
                distinct,
                Math.max(0, expected - distinct),
                rows - distinct,
                Benchmarks.percentileMillis(lateness, 0.50),
                Benchmarks.percentileMillis(lateness, 0.99),
                lateness.isEmpty() ? 0 : lateness.get(lateness.size() - 1) / 1e6,
                allFires == 0 ? 0 : (double) actions / allFires,
                peakHeap.get() / (1024 * 1024),
                claimed.get(),
                reported.get(),
                unexpected.get(),
                perMinute,
                Benchmarks.percentileMillis(timerLag, 0.50),
                Benchmarks.percentileMillis(timerLag, 0.99),
                Benchmarks.percentileMillis(pickUpLag, 0.50),
                Benchmarks.percentileMillis(pickUpLag, 0.99),
                Benchmarks.percentileMillis(taskTime, 0.50),
                Benchmarks.percentileMillis(taskTime, 0.99),
                TUNING.workflowCacheSize(),
                TUNING.maxConcurrentWorkflowTaskExecutions());
    }

    private static WorkerTuning cacheOf(int size) {
        WorkerTuning defaults = WorkerTuning.defaults();
        return new WorkerTuning(
                defaults.maxConcurrentActivityExecutions(),
                defaults.maxConcurrentWorkflowTaskExecutions(),
                size,
                Math.max(size, defaults.maxWorkflowThreads()),
                defaults.stickyExecution());
    }

    /** Fires recorded per minute of the window and their p99 lateness, as {@code n:ms,n:ms}. */
    private static String perMinute(TestDatabase database, Instant from, Instant to) throws Exception {
        List<String> counts = new ArrayList<>();
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT m, (SELECT count(*) FROM process_executions
                                   WHERE trigger = 'SCHEDULE' AND scheduled_for = m),
                                  (SELECT percentile_cont(0.99) WITHIN GROUP (
                                          ORDER BY extract(epoch FROM queued_at - scheduled_for) * 1000)
                                   FROM process_executions WHERE trigger = 'SCHEDULE' AND scheduled_for = m)
                        FROM generate_series(?::timestamptz, ?::timestamptz, interval '1 minute') m ORDER BY m""")) {
            statement.setObject(1, java.sql.Timestamp.from(from));
            statement.setObject(2, java.sql.Timestamp.from(to));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    counts.add(result.getLong(2) + ":" + Math.round(result.getDouble(3)));
                }
            }
        }
        return String.join(",", counts);
    }

    /** Environments (ten schedules each), instances, attachments, runtimes and schedules, in SQL. */
    private List<Lane> setUp(TestDatabase database, UUID customer, UUID pack, UUID component, UUID release)
            throws Exception {
        List<Lane> lanes = new ArrayList<>();
        try (Connection connection = database.connect()) {
            String token = null;
            UUID environment = null;
            for (int i = 0; i < SCHEDULES; i++) {
                if (i % SCHEDULES_PER_ENVIRONMENT == 0) {
                    environment = UUID.randomUUID();
                    token = RuntimeTokens.generate();
                    exec(
                            connection,
                            "INSERT INTO environments (id, account_id, name, classification, created_at)"
                                    + " VALUES (?, ?, ?, 'PROD', now())",
                            environment,
                            customer,
                            "env-" + i);
                    exec(
                            connection,
                            "INSERT INTO runtimes (id, environment_id, name, token_sha256, created_at)"
                                    + " VALUES (gen_random_uuid(), ?, 'atom', ?, now())",
                            environment,
                            RuntimeTokens.sha256(token));
                }
                UUID instance = UUID.randomUUID();
                exec(
                        connection,
                        "INSERT INTO integration_pack_instances (id, account_id, integration_pack_id,"
                                + " override_name, installed_release_id, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, now(), now())",
                        instance,
                        customer,
                        pack,
                        "i-" + i,
                        release);
                exec(
                        connection,
                        "INSERT INTO environment_attachments VALUES (gen_random_uuid(), ?, ?, now())",
                        environment,
                        instance);
                exec(
                        connection,
                        "INSERT INTO process_schedules (id, integration_pack_instance_id, component_id,"
                                + " environment_id, account_id, enabled, time_zone, rules, max_retries, retry_delay_minutes,"
                                + " overlap, created_at, updated_at) VALUES (gen_random_uuid(), ?, ?, ?, ?, true, 'UTC',"
                                + " '[{\"kind\":\"EVERY_MINUTES\",\"every\":1}]', 0, 1, 'ALLOW', now(), now())",
                        instance,
                        component,
                        environment,
                        customer);
                lanes.add(new Lane(new ProcessLane(instance, component, environment, null), token));
            }
        }
        return lanes;
    }

    /** One runtime's loop: claim up to 50, report each SUCCEEDED, claim again. */
    private void claim(HttpClient http, JsonMapper json, URI base, String token) {
        if (stopping.get()) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/runtime/executions/claim"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"max\":50,\"waitSeconds\":25}"))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            if (failure != null || response.statusCode() != 200) {
                unexpected.incrementAndGet();
            } else {
                try {
                    List<?> executions =
                            (List<?>) json.readValue(response.body(), Map.class).get("executions");
                    for (Object execution : executions) {
                        claimed.incrementAndGet();
                        report(http, base, token, (String) ((Map<?, ?>) execution).get("id"));
                    }
                } catch (Exception e) {
                    unexpected.incrementAndGet();
                }
            }
            claim(http, json, base, token);
        });
    }

    private void report(HttpClient http, URI base, String token, String id) {
        Instant now = Instant.now();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/runtime/executions/" + id + "/result"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"status\":\"SUCCEEDED\",\"startedAt\":\"" + now + "\",\"finishedAt\":\"" + now + "\"}"))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 204) {
                reported.incrementAndGet();
            } else {
                unexpected.incrementAndGet();
            }
        });
    }

    private static void exec(Connection connection, String sql, Object... parameters) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private static long count(TestDatabase database, String sql) throws Exception {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
