package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.packwright.activities.release.ReleaseTuningProperties;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.Benchmarks;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Benchmark of an immediate release to N instances, through the real API, the real release workflow
 * and activities (a worker in this JVM, as in {@link ReleaseWorkerApiTestBase}) over the embedded
 * PostgreSQL and Temporal's test server. It prints figures and asserts only that the release
 * reached every instance; it measures nothing against a limit.
 *
 * <p>Not a test that {@code ./mvnw verify} runs (its name does not end in {@code Test}); run it
 * with {@code -Dtest=ReleaseBenchmark} and the sizes in {@code packwright.benchmark.instances}
 * (comma-separated, default {@code 100000}). The figures go to standard output (which surefire
 * keeps in {@code target/surefire-reports/io.packwright.api.ReleaseBenchmark-output.txt}) and are
 * appended to {@code target/benchmark/release-benchmark.txt}.
 */
class ReleaseBenchmark extends ReleaseWorkerApiTestBase {

    private static final int ACCOUNTS = 4;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofHours(1);
    private static final Path REPORT = Path.of("target", "benchmark", "release-benchmark.txt");

    private static final int RELEASES = Integer.getInteger("packwright.benchmark.releases", 1);
    private static final int FLOOD_CLIENTS = Integer.getInteger("packwright.benchmark.flood-clients", 50);
    private static final int FLOOD_INSTANCES = Integer.getInteger("packwright.benchmark.flood-instances", 5_000);
    private static final int LIST_CONNECTIONS = Integer.getInteger("packwright.benchmark.list-connections", 32);
    private static final Duration LIST_DURATION =
            Duration.ofSeconds(Long.getLong("packwright.benchmark.list-seconds", 10));

    @Test
    void immediateReleaseToManyInstances() throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("packwright.benchmark.instances", "100000")
                        .split(","))
                .map(String::trim)
                .filter(size -> !size.isEmpty())
                .map(size -> Integer.parseInt(size.replace("_", "")))
                .toList();
        List<String> reports = new ArrayList<>();
        for (int size : sizes) {
            reports.add(run(size));
        }
        if (FLOOD_INSTANCES > 0) {
            reports.add(manualApplyFlood());
        }
        if (LIST_CONNECTIONS > 0) {
            reports.add(packList());
        }
        String report = "Release benchmark, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, tuning " + tuning() + "\n"
                + String.join("\n", reports) + "\n";
        System.out.println(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(
                REPORT, report + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private String run(int instances) throws Exception {
        long inserting = System.nanoTime();
        Published published = publish("Benchmark " + instances, ACCOUNTS, instances);
        long insertMillis = millisSince(inserting);
        List<String> lines = new ArrayList<>();
        double sqlSeconds = 0;
        for (int number = 1; number <= RELEASES; number++) {
            fixtures.pkg(published.partner(), published.component(), (number + 1) + ".0", true);
            Measured measured = measureRelease(published, instances, number);
            if (number == 1) {
                sqlSeconds = rawSqlTwin(instances);
            }
            lines.add(measured.report(insertMillis, sqlSeconds));
        }
        return String.join("\n", lines);
    }

    /**
     * A partner with {@code accountCount} managed accounts in one account group, a pack with one
     * process component released once, and {@code instances} instances of it on that release, spread
     * over the accounts (inserted with SQL).
     */
    private Published publish(String name, int accountCount, int instances) throws Exception {
        UUID partner = createPartner(name, true, true);
        List<UUID> accounts = new ArrayList<>();
        for (int i = 1; i <= accountCount; i++) {
            accounts.add(createManaged(partner, name + " customer " + i));
        }
        UUID pack = fixtures.pack(partner, name, "MULTI");
        UUID component = fixtures.component(partner, name + " orders", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        UUID group = fixtures.group(partner, name, accounts.get(0), pack);
        for (UUID account : accounts.subList(1, accounts.size())) {
            fixtures.exec(
                    "INSERT INTO account_group_members (account_group_id, account_id, added_at) VALUES (?, ?, now())",
                    group,
                    account);
        }
        String first = release(partner, pack).string("id");
        awaitStatus(partner, first, "RELEASED");
        insertInstances(pack, UUID.fromString(first), accounts, instances);
        return new Published(partner, pack, component);
    }

    /** What {@link #publish} created. */
    private record Published(UUID partner, UUID pack, UUID component) {}

    /** The figures of one measured release, printed once the raw SQL twin's time is known. */
    private interface Measured {
        String report(long insertMillis, double sqlSeconds);
    }

    /**
     * An immediate release of the published pack to all its instances, measured; {@code number}
     * counts the measured releases of the pack from 1.
     */
    private Measured measureRelease(Published published, int instances, int number) throws Exception {
        UUID partner = published.partner();
        UUID pack = published.pack();
        long ledgerBytesBefore = count("SELECT pg_total_relation_size('release_instances')");
        long instanceBytesBefore = count("SELECT pg_total_relation_size('integration_pack_instances')");
        long walBefore = walBytes();

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peakHeap = new AtomicLong(heapBefore);
        AtomicBoolean releasing = new AtomicBoolean(true);
        Thread heapSampler = new Thread(
                () -> {
                    while (releasing.get()) {
                        peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        heapSampler.setDaemon(true);
        heapSampler.start();

        long posted = System.nanoTime();
        ApiResponse created = release(partner, pack);
        String id = created.string("id");
        List<Long> latencies = new ArrayList<>();
        ApiResponse release;
        long deadline = posted + PATIENCE.toNanos();
        do {
            Thread.sleep(POLL_INTERVAL.toMillis());
            long asked = System.nanoTime();
            release = api.get("/api/v1/releases/" + id, Tokens.account(partner));
            latencies.add(System.nanoTime() - asked);
            assertEquals(200, release.status(), release::toString);
        } while (!"RELEASED".equals(release.string("status")) && System.nanoTime() < deadline);
        long wallNanos = System.nanoTime() - posted;
        releasing.set(false);
        heapSampler.join();
        assertEquals("RELEASED", release.string("status"), release::toString);
        Map<?, ?> progress = (Map<?, ?>) release.get("progress");
        assertEquals(instances, ((Number) progress.get("applied")).intValue(), release::toString);
        assertEquals(
                (long) instances,
                count("SELECT count(*) FROM integration_pack_instances WHERE installed_release_id = '" + id + "'"));

        // the same read once the release is done and the machine is idle
        List<Long> idle = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long asked = System.nanoTime();
            assertEquals(
                    200,
                    api.get("/api/v1/releases/" + id, Tokens.account(partner)).status());
            idle.add(System.nanoTime() - asked);
        }
        Collections.sort(idle);
        long walBytes = walBytes() - walBefore;
        long ledgerBytes = count("SELECT pg_total_relation_size('release_instances')") - ledgerBytesBefore;
        long instanceBytes = count("SELECT pg_total_relation_size('integration_pack_instances')") - instanceBytesBefore;
        long hotUpdates =
                count("SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'integration_pack_instances'");
        History history = history(created.string("workflowId"));
        Collections.sort(latencies);
        double wallSeconds = wallNanos / 1e9;
        Duration serverSide = Duration.between(
                Instant.parse(release.string("createdAt")), Instant.parse(release.string("completedAt")));
        long heapPeakMib = peakHeap.get() >> 20;
        return (insertMillis, sqlSeconds) -> String.format(
                """
                N = %,d instances (%d accounts, inserted with SQL in %.1f s), measured release %d of the pack
                  wall time POST -> RELEASED seen: %.1f s (createdAt -> completedAt: %.1f s)
                  throughput: %,.0f instances/s
                  workflow: %d run(s), %,d history events, %d activity executions scheduled %s,\
                 %d activity attempts, %d timers, %d signals, %d search-attribute upserts
                  Temporal actions (runs + activity attempts + timers + signals + upserts): %,d
                  heap of this JVM (api + in-process worker + client): %d MiB after GC before, %d MiB peak\
                 (sampled every 20 ms; -Xmx %d MiB)
                  GET /api/v1/releases/{id} during the release: %d polls, p50 %.1f ms, p99 %.1f ms, max %.1f ms;\
                 afterwards, idle: p50 %.1f ms, p99 %.1f ms
                  the same ledger and instance writes as one raw SQL transaction on a twin pack: %.1f s
                  storage of this release: ledger +%d MiB, instances +%d MiB (%d bytes per instance in all),\
                 WAL %d MiB (%d bytes per instance); heap-only updates of instances so far: %,d
                """
                        + "fanout n=%d release=%d api_s=%.1f sql_s=%.1f ratio=%.2f get_p50_ms=%.1f get_p99_ms=%.1f"
                        + " get_idle_p99_ms=%.1f events=%d actions=%d heap_mib=%d wal_bytes_per_instance=%d",
                instances,
                ACCOUNTS,
                insertMillis / 1e3,
                number,
                wallSeconds,
                serverSide.toMillis() / 1e3,
                instances / wallSeconds,
                history.runs,
                history.events,
                history.activitiesScheduled,
                history.activitiesByType,
                history.activityAttempts,
                history.timers,
                history.signals,
                history.upserts,
                history.runs + history.activityAttempts + history.timers + history.signals + history.upserts,
                heapBefore >> 20,
                heapPeakMib,
                Runtime.getRuntime().maxMemory() >> 20,
                latencies.size(),
                Benchmarks.percentileMillis(latencies, 0.50),
                Benchmarks.percentileMillis(latencies, 0.99),
                latencies.get(latencies.size() - 1) / 1e6,
                Benchmarks.percentileMillis(idle, 0.50),
                Benchmarks.percentileMillis(idle, 0.99),
                sqlSeconds,
                ledgerBytes >> 20,
                instanceBytes >> 20,
                (ledgerBytes + instanceBytes) / instances,
                walBytes >> 20,
                walBytes / instances,
                hotUpdates,
                instances,
                number,
                wallSeconds,
                sqlSeconds,
                wallSeconds / sqlSeconds,
                Benchmarks.percentileMillis(latencies, 0.50),
                Benchmarks.percentileMillis(latencies, 0.99),
                Benchmarks.percentileMillis(idle, 0.99),
                history.events,
                history.runs + history.activityAttempts + history.timers + history.signals + history.upserts,
                heapPeakMib,
                walBytes / instances);
    }

    /**
     * The writes of an immediate release, without the api, the workflow or the batches: a twin pack
     * with as many instances on its first release, and one transaction that records a ledger row per
     * instance and moves every instance to the second release, on the same schema (indexes,
     * constraints, counters) and the same PostgreSQL.
     *
     * @return its wall time in seconds
     */
    private double rawSqlTwin(int instances) throws Exception {
        Published twin = publish("Twin " + instances, ACCOUNTS, instances);
        UUID partner = twin.partner();
        UUID pack = twin.pack();
        UUID second = UUID.randomUUID();
        fixtures.exec("""
                INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,
                                      status, workflow_id, created_at, started_at, completed_at)
                VALUES (?, ?, ?, 2, 'IMMEDIATELY', 'RELEASED', 'raw-sql-twin-' || ?::text, now(), now(), now())""", second, pack, partner, second);
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            long started = System.nanoTime();
            try (PreparedStatement ledger = connection.prepareStatement("""
                            INSERT INTO release_instances (release_id, integration_pack_instance_id, account_id, status,
                                                           mode, applied_at, recorded_at)
                            SELECT ?, i.id, i.account_id, 'APPLIED', 'IMMEDIATE', now(), now()
                            FROM integration_pack_instances i WHERE i.integration_pack_id = ?""");
                    PreparedStatement move = connection.prepareStatement("""
                            UPDATE integration_pack_instances SET installed_release_id = ?, updated_at = now()
                            WHERE integration_pack_id = ?""")) {
                ledger.setObject(1, second);
                ledger.setObject(2, pack);
                assertEquals(instances, ledger.executeUpdate());
                move.setObject(1, second);
                move.setObject(2, pack);
                assertEquals(instances, move.executeUpdate());
            }
            connection.commit();
            return (System.nanoTime() - started) / 1e9;
        }
    }

    /**
     * {@link #FLOOD_CLIENTS} clients, each a managed account of its own, call apply-pending-update
     * back to back during a scheduled release's testing period, one instance after another, until
     * every one of {@link #FLOOD_INSTANCES} instances has asked; a 202 (still being applied) is
     * followed by reads of the instance until it is on the new release.
     */
    private String manualApplyFlood() throws Exception {
        Published published = publish("Flood", FLOOD_CLIENTS, FLOOD_INSTANCES);
        UUID partner = published.partner();
        UUID pack = published.pack();
        fixtures.pkg(partner, published.component(), "2.0", true);
        ApiResponse scheduled = api.post(
                "/api/v1/integration-packs/" + pack + "/releases",
                Tokens.account(partner),
                obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                                .plusDays(5)
                                .toString()));
        assertEquals(202, scheduled.status(), scheduled::toString);
        String second = scheduled.string("id");
        String workflowId = scheduled.string("workflowId");
        Map<UUID, List<String>> byAccount = new java.util.HashMap<>();
        for (String row : fixtures.column("SELECT account_id || ' ' || id FROM integration_pack_instances"
                + " WHERE integration_pack_id = '" + pack + "' ORDER BY id")) {
            String[] parts = row.split(" ");
            byAccount
                    .computeIfAbsent(UUID.fromString(parts[0]), a -> new ArrayList<>())
                    .add(parts[1]);
        }
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(FLOOD_CLIENTS);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (Map.Entry<UUID, List<String>> client : byAccount.entrySet()) {
            String token = Tokens.account(client.getKey());
            running.add(clients.submit(() -> {
                start.await();
                for (String instance : client.getValue()) {
                    long asked = System.nanoTime();
                    ApiResponse answer = api.raw(
                            "POST",
                            "/api/v1/integration-pack-instances/" + instance + "/apply-pending-update",
                            token,
                            null,
                            "");
                    statuses.computeIfAbsent(answer.status(), status -> new AtomicLong())
                            .incrementAndGet();
                    while (answer.status() == 202) {
                        Thread.sleep(20);
                        answer = api.get("/api/v1/integration-pack-instances/" + instance, token);
                        if (answer.get("pendingUpdate") == null) {
                            break;
                        }
                    }
                    latencies.add(System.nanoTime() - asked);
                }
                return null;
            }));
        }
        long began = System.nanoTime();
        start.countDown();
        for (java.util.concurrent.Future<?> client : running) {
            client.get(30, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        clients.shutdown();
        long applied = count("SELECT count(*) FROM release_instances WHERE release_id = '" + second
                + "' AND status = 'APPLIED' AND mode = 'MANUAL'");
        long onRelease =
                count("SELECT count(*) FROM integration_pack_instances WHERE installed_release_id = '" + second + "'");
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        History history = history(workflowId);
        return String.format(
                "manual-apply flood: %d clients (one managed account each), %,d instances, testing period;"
                        + " workflow so far: %d run(s), %,d history events, %,d signals, activities %s;"
                        + " means since the benchmark started: signal call %.1f ms, workflow task %.1f ms, drain"
                        + " (scheduled to completed) %.1f ms, request to outcome in the worker %.1f ms%n"
                        + "apply_flood clients=%d instances=%d seconds=%.1f applies_per_s=%.0f p50_ms=%.1f p99_ms=%.1f"
                        + " max_ms=%.1f status_200=%d status_202=%d status_other=%d applied=%d lost=%d",
                FLOOD_CLIENTS,
                FLOOD_INSTANCES,
                history.runs,
                history.events,
                history.signals,
                history.activitiesByType,
                meanMillis("temporal_request_latency", "operation", "SignalWorkflowExecution"),
                meanMillis("temporal_workflow_task_execution_total_latency", null, null),
                meanMillis("temporal_activity_succeed_endtoend_latency", "activity_type", "ApplyRequested"),
                meanMillis("packwright.release.manual.apply.latency", null, null),
                FLOOD_CLIENTS,
                FLOOD_INSTANCES,
                seconds,
                applied / seconds,
                Benchmarks.percentileMillis(sorted, 0.50),
                Benchmarks.percentileMillis(sorted, 0.99),
                sorted.get(sorted.size() - 1) / 1e6,
                statusCount(statuses, 200),
                statusCount(statuses, 202),
                statuses.values().stream().mapToLong(AtomicLong::get).sum()
                        - statusCount(statuses, 200)
                        - statusCount(statuses, 202),
                applied,
                FLOOD_INSTANCES - Math.min(applied, onRelease));
    }

    /**
     * {@link #LIST_CONNECTIONS} clients read a partner's first page of integration packs back to back
     * for {@link #LIST_DURATION}, in this JVM (client and server share its processors).
     */
    private String packList() throws Exception {
        UUID partner = createPartner("Lister", true, true);
        for (int i = 0; i < 20; i++) {
            UUID pack = fixtures.pack(partner, "Listed " + i, i % 2 == 0 ? "SINGLE" : "MULTI");
            fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Listed process " + i));
        }
        String token = Tokens.account(partner);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong failures = new AtomicLong();
        java.util.concurrent.ExecutorService clients =
                java.util.concurrent.Executors.newFixedThreadPool(LIST_CONNECTIONS);
        long warmUp = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < warmUp) {
            api.get("/api/v1/integration-packs", token);
        }
        long deadline = System.nanoTime() + LIST_DURATION.toNanos();
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int i = 0; i < LIST_CONNECTIONS; i++) {
            running.add(clients.submit(() -> {
                while (System.nanoTime() < deadline) {
                    long asked = System.nanoTime();
                    int status = api.get("/api/v1/integration-packs", token).status();
                    latencies.add(System.nanoTime() - asked);
                    if (status != 200) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> client : running) {
            client.get();
        }
        clients.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return String.format(
                "GET /api/v1/integration-packs (20 packs), %d clients in this JVM for %d s%n"
                        + "pack_list connections=%d requests=%d req_per_s=%.0f p50_ms=%.1f p99_ms=%.1f non_200=%d",
                LIST_CONNECTIONS,
                LIST_DURATION.toSeconds(),
                LIST_CONNECTIONS,
                sorted.size(),
                sorted.size() / (double) LIST_DURATION.toSeconds(),
                Benchmarks.percentileMillis(sorted, 0.50),
                Benchmarks.percentileMillis(sorted, 0.99),
                failures.get());
    }

    /** The mean of the timers of this JVM's registry named {@code name} (with the tag, when given). */
    private double meanMillis(String name, String tagKey, String tagValue) {
        var search = context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find(name);
        if (tagKey != null) {
            search = search.tag(tagKey, tagValue);
        }
        double total = 0;
        long count = 0;
        for (io.micrometer.core.instrument.Timer timer : search.timers()) {
            total += timer.totalTime(TimeUnit.MILLISECONDS);
            count += timer.count();
        }
        return count == 0 ? 0 : total / count;
    }

    private static long statusCount(Map<Integer, AtomicLong> statuses, int status) {
        AtomicLong count = statuses.get(status);
        return count == null ? 0 : count.get();
    }

    private long walBytes() {
        return count("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }

    private ApiResponse release(UUID partner, UUID pack) {
        ApiResponse response = api.post(
                "/api/v1/integration-packs/" + pack + "/releases",
                Tokens.account(partner),
                obj("releaseSchedule", "IMMEDIATELY"));
        assertEquals(202, response.status(), response::toString);
        return response;
    }

    /**
     * {@code count} instances of {@code pack} on {@code release}, spread over {@code accounts}, in
     * one set-based statement. Their ids are UUIDv7-shaped (time-ordered, as the api creates them).
     */
    private void insertInstances(UUID pack, UUID release, List<UUID> accounts, int count) throws SQLException {
        try (Connection connection = database.connect()) {
            // seeded instances are not installs: no instance.installed event each
            connection.setAutoCommit(false);
            try (Statement off = connection.createStatement()) {
                off.execute(
                        "ALTER TABLE integration_pack_instances DISABLE TRIGGER " + CatalogFixtures.INSTALLED_EVENTS);
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                            installed_release_id, created_at, updated_at)
                    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                                                          PLACING substring(int8send(? + n / 100) FROM 3)
                                                          FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid,
                           (?::uuid[])[1 + n % ?], ?, 'bulk-' || n, ?, now(), now()
                    FROM generate_series(0, ? - 1) n""")) {
                insert.setLong(1, System.currentTimeMillis() - count / 100);
                insert.setArray(2, connection.createArrayOf("uuid", accounts.toArray()));
                insert.setInt(3, accounts.size());
                insert.setObject(4, pack);
                insert.setObject(5, release);
                insert.setInt(6, count);
                assertEquals(count, insert.executeUpdate());
            }
            try (Statement on = connection.createStatement()) {
                on.execute("ALTER TABLE integration_pack_instances ENABLE TRIGGER " + CatalogFixtures.INSTALLED_EVENTS);
            }
            connection.commit();
            connection.setAutoCommit(true);
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("ANALYZE integration_pack_instances");
            }
        }
    }

    /** Every run of the workflow, newest first, following continue-as-new back to the first. */
    private History history(String workflowId) {
        WorkflowClient client = context.getBean(WorkflowClient.class);
        String namespace = client.getOptions().getNamespace();
        History history = new History();
        String runId = "";
        while (runId != null) {
            history.runs++;
            String previous = null;
            ByteString page = ByteString.EMPTY;
            do {
                GetWorkflowExecutionHistoryResponse response = client.getWorkflowServiceStubs()
                        .blockingStub()
                        .getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
                                .setNamespace(namespace)
                                .setExecution(WorkflowExecution.newBuilder()
                                        .setWorkflowId(workflowId)
                                        .setRunId(runId))
                                .setNextPageToken(page)
                                .build());
                for (HistoryEvent event : response.getHistory().getEventsList()) {
                    history.events++;
                    EventType type = event.getEventType();
                    if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
                        history.activitiesScheduled++;
                        history.activitiesByType.merge(
                                event.getActivityTaskScheduledEventAttributes()
                                        .getActivityType()
                                        .getName(),
                                1,
                                Integer::sum);
                    } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
                        history.activityAttempts +=
                                event.getActivityTaskStartedEventAttributes().getAttempt();
                    } else if (type == EventType.EVENT_TYPE_TIMER_STARTED) {
                        history.timers++;
                    } else if (type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
                        history.signals++;
                    } else if (type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) {
                        history.upserts++;
                    } else if (type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
                        String continued = event.getWorkflowExecutionStartedEventAttributes()
                                .getContinuedExecutionRunId();
                        previous = continued.isEmpty() ? null : continued;
                    }
                }
                page = response.getNextPageToken();
            } while (!page.isEmpty());
            runId = previous;
        }
        return history;
    }

    private String tuning() {
        return context.getBean(ReleaseTuningProperties.class).toTuning().toString();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** What the release workflow's histories hold, over all its runs. */
    private static final class History {
        int runs;
        long events;
        long activitiesScheduled;
        final Map<String, Integer> activitiesByType = new TreeMap<>();
        long activityAttempts;
        long timers;
        long signals;
        long upserts;
    }
}
