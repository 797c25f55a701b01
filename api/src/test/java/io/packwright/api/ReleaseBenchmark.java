package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.packwright.activities.release.ReleaseTuningProperties;
import io.packwright.api.support.ApiResponse;
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
        String report = "Release benchmark, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, tuning " + tuning() + "\n"
                + String.join("\n", reports) + "\n";
        System.out.println(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(
                REPORT, report + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private String run(int instances) throws Exception {
        UUID partner = createPartner("Benchmark " + instances, true, true);
        List<UUID> accounts = new ArrayList<>();
        for (int i = 1; i <= ACCOUNTS; i++) {
            accounts.add(createManaged(partner, "Benchmark customer " + i));
        }
        UUID pack = fixtures.pack(partner, "Benchmark " + instances, "MULTI");
        UUID component = fixtures.component(partner, "Orders " + instances, "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        UUID group = fixtures.group(partner, "Benchmark " + instances, accounts.get(0), pack);
        for (UUID account : accounts.subList(1, accounts.size())) {
            fixtures.exec(
                    "INSERT INTO account_group_members (account_group_id, account_id, added_at) VALUES (?, ?, now())",
                    group,
                    account);
        }
        String first = release(partner, pack).string("id");
        awaitStatus(partner, first, "RELEASED");

        long inserting = System.nanoTime();
        insertInstances(pack, UUID.fromString(first), accounts, instances);
        long insertMillis = millisSince(inserting);
        fixtures.pkg(partner, component, "2.0", true);

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

        History history = history(created.string("workflowId"));
        Collections.sort(latencies);
        double wallSeconds = wallNanos / 1e9;
        Duration serverSide = Duration.between(
                Instant.parse(release.string("createdAt")), Instant.parse(release.string("completedAt")));
        return String.format(
                """
                N = %,d instances (%d accounts), inserted with SQL in %.1f s
                  wall time POST -> RELEASED seen: %.1f s (createdAt -> completedAt: %.1f s)
                  throughput: %,.0f instances/s
                  workflow: %d run(s), %,d history events, %d activity executions scheduled %s,\
                 %d activity attempts, %d timers, %d signals, %d search-attribute upserts
                  Temporal actions (runs + activity attempts + timers + signals + upserts): %,d
                  heap of this JVM (api + in-process worker + client): %d MiB after GC before, %d MiB peak\
                 (sampled every 20 ms; -Xmx %d MiB)
                  GET /api/v1/releases/{id} during the release: %d polls, p50 %.1f ms, p99 %.1f ms, max %.1f ms""",
                instances,
                ACCOUNTS,
                insertMillis / 1e3,
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
                peakHeap.get() >> 20,
                Runtime.getRuntime().maxMemory() >> 20,
                latencies.size(),
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                latencies.get(latencies.size() - 1) / 1e6);
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

    private static double percentile(List<Long> sortedNanos, double fraction) {
        int index = (int) Math.ceil(fraction * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, Math.min(index, sortedNanos.size() - 1))) / 1e6;
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
