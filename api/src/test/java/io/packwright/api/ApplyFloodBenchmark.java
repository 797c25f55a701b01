package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.packwright.activities.release.ReleaseActivitiesImpl;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.activities.temporal.TestTemporalServer;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Benchmark of the apply flood of issue 9: {@code packwright.benchmark.callers} (default 200)
 * threads of one managed account call apply-pending-update back to back, each on an instance of its
 * own, for {@code packwright.benchmark.flood-seconds} (default 5), while another principal (the
 * partner) reads its pack every 25 ms. It runs twice, on a fresh api with an in-process release
 * worker each time: with the default budgets and with rate limits off. It prints one {@code
 * key=value} line per run and asserts nothing about the figures.
 *
 * <p>Not a test that {@code ./mvnw verify} runs (its name does not end in {@code Test}); run it with
 * {@code -Dtest=ApplyFloodBenchmark}. The lines also go to {@code
 * target/benchmark/apply-flood-benchmark.txt}.
 */
class ApplyFloodBenchmark {

    private static final int CALLERS = Integer.getInteger("packwright.benchmark.callers", 200);
    private static final Duration FLOOD = Duration.ofSeconds(Long.getLong("packwright.benchmark.flood-seconds", 5));
    private static final Duration OTHER_PACE = Duration.ofMillis(25);
    private static final Path REPORT = Path.of("target", "benchmark", "apply-flood-benchmark.txt");

    @Test
    void floodOfManualApplies() throws Exception {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<String> lines = List.of(run(true), run(false));
        String report = String.format(
                "Apply flood benchmark, %s, %d processors, load average %.1f before and %.1f after (the machine's,"
                        + " other processes included)%n%s%n",
                Instant.now(),
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                String.join("\n", lines));
        System.out.println(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(
                REPORT, report + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private String run(boolean limited) throws Exception {
        TestDatabase database = TestDatabases.create();
        String namespace = "apply-flood-" + UUID.randomUUID();
        SearchAttributeRegistrar.registerPlaintext(TestTemporalServer.shared().address(), namespace);
        Map<String, Object> properties = new HashMap<>(database.micronautProperties());
        properties.put("temporal.address", TestTemporalServer.shared().address());
        properties.put("temporal.namespace", namespace);
        if (limited) {
            // the defaults of RateLimitProperties, over the test configuration's unreachable budgets
            properties.put("packwright.rate-limits.requests-per-second", "50");
            properties.put("packwright.rate-limits.burst", "100");
            properties.put("packwright.rate-limits.writes-per-second", "10");
            properties.put("packwright.rate-limits.write-burst", "20");
        } else {
            properties.put("packwright.rate-limits.enabled", "false");
        }
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties, "test")) {
            ApplicationContext context = server.getApplicationContext();
            WorkerFactory workers = WorkerFactory.newInstance(context.getBean(WorkflowClient.class));
            var worker = workers.newWorker(TaskQueues.RELEASES);
            worker.registerWorkflowImplementationTypes(ReleaseWorkflowImpl.class);
            worker.registerActivitiesImplementations(context.getBean(ReleaseActivitiesImpl.class));
            workers.start();
            try {
                return flood(limited, server, database);
            } finally {
                workers.shutdownNow();
            }
        }
    }

    private String flood(boolean limited, EmbeddedServer server, TestDatabase database) throws Exception {
        JsonMapper json = server.getApplicationContext().getBean(JsonMapper.class);
        ApiClient api = new ApiClient(server.getURI(), json);
        CatalogFixtures fixtures = new CatalogFixtures(api, database);
        UUID partner = Benchmarks.createdId(api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                obj(
                        "name",
                        "Flood partner",
                        "type",
                        "PARTNER",
                        "timeZone",
                        "Europe/Berlin",
                        "features",
                        obj("integrationPackManagement", true, "multiInstallIntegrationPacks", true))));
        UUID customer = Benchmarks.createdId(api.post(
                "/api/v1/accounts", Tokens.account(partner), obj("name", "Flooding customer", "type", "MANAGED")));
        UUID pack = fixtures.pack(partner, "Flood pack", "MULTI");
        UUID component = fixtures.shareableProcess(partner, "Orders");
        fixtures.add(partner, pack, component);
        fixtures.group(partner, "Customers", customer, pack);
        UUID first = release(api, partner, pack, obj("releaseSchedule", "IMMEDIATELY"));
        Benchmarks.awaitStatus(api, partner, first.toString(), "RELEASED", Duration.ofSeconds(60));
        fixtures.instances(customer, pack, first, CALLERS);
        List<String> instances = fixtures.column("SELECT id::text FROM integration_pack_instances WHERE"
                + " integration_pack_id = '" + pack + "' ORDER BY id");
        fixtures.pkg(partner, component, "2.0", true);
        UUID second = release(
                api,
                partner,
                pack,
                obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        LocalDate.now(ZoneId.of("Europe/Berlin")).plusDays(5).toString()));

        ApiClient floodClient = new ApiClient(server.getURI(), json);
        String token = Tokens.account(customer);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        CountDownLatch start = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<?>> running = new ArrayList<>();
        for (String instance : instances) {
            String path = "/api/v1/integration-pack-instances/" + instance + "/apply-pending-update";
            running.add(callers.submit(() -> {
                start.await();
                while (System.nanoTime() < deadline[0]) {
                    int status = floodClient.raw("POST", path, token, null, "").status();
                    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                }
                return null;
            }));
        }
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Long> otherNanos = Collections.synchronizedList(new ArrayList<>());
        List<Integer> otherStatuses = Collections.synchronizedList(new ArrayList<>());
        Thread other = new Thread(() -> {
            while (flooding.get()) {
                long asked = System.nanoTime();
                otherStatuses.add(api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner))
                        .status());
                otherNanos.add(System.nanoTime() - asked);
                try {
                    Thread.sleep(OTHER_PACE.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        deadline[0] = System.nanoTime() + FLOOD.toNanos();
        long began = System.nanoTime();
        start.countDown();
        other.start();
        for (Future<?> caller : running) {
            caller.get(FLOOD.toSeconds() + 120, TimeUnit.SECONDS);
        }
        long floodMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        flooding.set(false);
        other.join();
        callers.shutdown();

        List<Long> sorted = new ArrayList<>(otherNanos);
        Collections.sort(sorted);
        long total = statuses.values().stream().mapToLong(LongAdder::sum).sum();
        long applied = Long.parseLong(fixtures.column("SELECT count(*) FROM integration_pack_instances WHERE"
                        + " installed_release_id = '" + second + "'")
                .get(0));
        return String.format(
                "apply_flood callers=%d limited=%s flood_ms=%d requests=%d status_429=%d status_200=%d"
                        + " status_202=%d status_other=%d instances_applied=%d other_requests=%d other_non_200=%d"
                        + " other_p50_ms=%.1f other_p99_ms=%.1f other_max_ms=%.1f",
                CALLERS,
                limited,
                floodMillis,
                total,
                count(statuses, 429),
                count(statuses, 200),
                count(statuses, 202),
                total - count(statuses, 429) - count(statuses, 200) - count(statuses, 202),
                applied,
                sorted.size(),
                otherStatuses.stream().filter(status -> status != 200).count(),
                Benchmarks.percentileMillis(sorted, 0.50),
                Benchmarks.percentileMillis(sorted, 0.99),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
    }

    private static UUID release(ApiClient api, UUID partner, UUID pack, Map<String, Object> body) {
        ApiResponse response =
                api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
        assertEquals(202, response.status(), response::toString);
        return UUID.fromString(response.string("id"));
    }

    private static long count(Map<Integer, LongAdder> statuses, int status) {
        LongAdder adder = statuses.get(status);
        return adder == null ? 0 : adder.sum();
    }
}
