package io.packwright.deploy;

import static io.packwright.deploy.EndToEndApi.id;
import static io.packwright.deploy.EndToEndApi.progress;
import static io.packwright.deploy.EndToEndApi.status;
import static io.packwright.deploy.EndToEndSql.count;
import static io.packwright.deploy.EndToEndSql.insertInstances;
import static io.packwright.deploy.EndToEndSql.rows;
import static io.packwright.deploy.EndToEndStack.log;
import static io.packwright.deploy.EndToEndStack.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Benchmark of webhooks under a big release, on the real processes ({@link EndToEndStack}: the
 * api, the worker with its dispatcher and endpoint workflows, embedded PostgreSQL and Temporal): an
 * immediate release to N instances (default 1,000,000) without any endpoint, then the next release
 * of the same pack with one partner endpoint subscribed to every event, received by a local HTTP
 * receiver that answers 200 at once. It prints one {@code key=value} line: the events the second
 * release produced and how many of them reached the receiver, the lag from each event's
 * transaction to its arrival (p50/p99), deliveries per second, and the wall time of each release
 * (POST to {@code RELEASED}) with their ratio. It asserts only that every event arrived.
 *
 * <p>Not run by {@code ./mvnw verify} (its name does not end in {@code IT}); run it with {@code
 * ./mvnw -B verify -pl deploy -am -Dit.test=WebhookReleaseBenchmark -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dpackwright.benchmark.instances=1000000}. The line is
 * appended to {@code deploy/target/benchmark/webhook-release-benchmark.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookReleaseBenchmark {

    private static final String SECRET = "webhook-release-benchmark-" + UUID.randomUUID();
    private static final int INSTANCES = Integer.getInteger("packwright.benchmark.instances", 1_000_000);
    private static final int ACCOUNTS = 4;
    private static final Duration RELEASE_PATIENCE = Duration.ofMinutes(60);
    private static final Duration DRAIN_PATIENCE = Duration.ofMinutes(30);
    private static final Path REPORT = Path.of("target", "benchmark", "webhook-release-benchmark.txt");

    /** When each delivery (by its {@code webhook-id}) first arrived, epoch milliseconds. */
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

    private final AtomicLong requests = new AtomicLong();
    private EndToEndStack stack;
    private EndToEndApi api;
    private HttpServer receiver;
    private ExecutorService receiverThreads;

    @BeforeAll
    void start() throws Exception {
        // the stack allows loopback webhook targets, as the embedded stack does
        stack = EndToEndStack.start(
                new EndToEndStack.Options("webhook-release-benchmark", false, Map.of(), Map.of()), SECRET);
        api = new EndToEndApi(stack);
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiverThreads = Executors.newFixedThreadPool(4);
        receiver.setExecutor(receiverThreads);
        receiver.createContext("/hook", exchange -> {
            long at = System.currentTimeMillis();
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (id != null) {
                arrivals.putIfAbsent(id, at);
            }
            requests.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    void stop() {
        if (receiver != null) {
            receiver.stop(0);
            receiverThreads.shutdownNow();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aBigReleaseWithAndWithoutASubscribedEndpoint() throws Exception {
        UUID partner = api.partner("Webhook benchmark partner", "UTC", true);
        List<UUID> customers = new ArrayList<>();
        for (int i = 1; i <= ACCOUNTS; i++) {
            customers.add(api.managed(partner, "Webhook benchmark customer " + i));
        }
        UUID component = api.component(partner, "Benchmark sync");
        api.pkg(partner, component, "1.0.0");
        UUID pack = api.pack(partner, "Webhook benchmark pack", "MULTI");
        api.addMember(partner, pack, component);
        api.group(partner, "Webhook benchmark group", pack, customers);
        JsonNode first = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        api.awaitRelease(partner, first, r -> status(r).equals("RELEASED"), Duration.ofSeconds(60), "RELEASED");
        long seeding = System.nanoTime();
        try (Connection connection = stack.connect()) {
            insertInstances(connection, pack, UUID.fromString(id(first)), customers, INSTANCES);
        }
        log("inserted %d instances in %d ms", INSTANCES, millisSince(seeding));

        api.pkg(partner, component, "2.0.0");
        long without = release(partner, pack);
        log("release without a subscribed endpoint: %d ms", without);

        long mark;
        try (Connection connection = stack.connect()) {
            // every event after this one reaches the endpoint registered next
            mark = count(connection, "SELECT COALESCE(max(seq), 0) FROM webhook_events");
        }
        JsonNode endpoint = api.call(
                "POST",
                "/api/v1/webhook-endpoints",
                api.token(partner),
                Map.of(
                        "url",
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                        "eventTypes",
                        List.of("*")),
                201);
        UUID endpointId = UUID.fromString(endpoint.path("id").asText());
        api.pkg(partner, component, "3.0.0");
        long with = release(partner, pack);
        log("release with a subscribed endpoint: %d ms", with);

        long produced;
        try (Connection connection = stack.connect()) {
            produced = count(
                    connection,
                    "SELECT count(*) FROM webhook_events WHERE partner_account_id = ? AND seq > ?",
                    partner,
                    mark);
            long deadline = System.nanoTime() + DRAIN_PATIENCE.toNanos();
            while (count(
                                    connection,
                                    "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ?"
                                            + " AND status = 'SUCCEEDED'",
                                    endpointId)
                            < produced
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<Long> lags = new ArrayList<>();
            long firstArrival = Long.MAX_VALUE;
            long lastArrival = 0;
            for (List<Object> row : rows(
                    connection,
                    "SELECT d.id::text, (extract(epoch FROM e.created_at) * 1000)::bigint FROM webhook_deliveries d"
                            + " JOIN webhook_events e ON e.id = d.event_id WHERE d.endpoint_id = ?",
                    endpointId)) {
                Long arrived = arrivals.get((String) row.get(0));
                if (arrived != null) {
                    lags.add(arrived - ((Number) row.get(1)).longValue());
                    firstArrival = Math.min(firstArrival, arrived);
                    lastArrival = Math.max(lastArrival, arrived);
                }
            }
            Collections.sort(lags);
            long delivered = lags.size();
            double seconds = Math.max(1, lastArrival - firstArrival) / 1000.0;
            String line = String.format(
                    "webhooks instances=%d events_produced=%d events_delivered=%d requests=%d lag_p50_ms=%d"
                            + " lag_p99_ms=%d lag_max_ms=%d deliveries_per_s=%.1f release_ms_without=%d"
                            + " release_ms_with=%d wall_time_ratio=%.3f",
                    INSTANCES,
                    produced,
                    delivered,
                    requests.get(),
                    percentile(lags, 50),
                    percentile(lags, 99),
                    lags.isEmpty() ? 0 : lags.get(lags.size() - 1),
                    delivered / seconds,
                    without,
                    with,
                    (double) with / without);
            System.out.println(line);
            Files.createDirectories(REPORT.getParent());
            Files.writeString(
                    REPORT,
                    Instant.now() + " " + Runtime.getRuntime().availableProcessors() + " processors\n" + line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            assertEquals(produced, delivered, "every event of the release reached the receiver");
        }
    }

    /** Posts an immediate release of {@code pack} and waits until it is RELEASED; its wall time. */
    private long release(UUID partner, UUID pack) {
        long posted = System.nanoTime();
        JsonNode release = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        JsonNode released =
                api.awaitRelease(partner, release, r -> status(r).equals("RELEASED"), RELEASE_PATIENCE, "RELEASED");
        long millis = millisSince(posted);
        assertEquals(INSTANCES, progress(released, "applied"), released::toString);
        return millis;
    }

    private static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
