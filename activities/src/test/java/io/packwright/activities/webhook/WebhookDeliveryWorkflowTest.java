package io.packwright.activities.webhook;

import static io.packwright.activities.webhook.WebhookReceiver.verifies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.activities.store.webhook.WebhookDeliveryStore;
import io.packwright.activities.temporal.TestServerClock;
import io.packwright.activities.webhook.WebhookReceiver.Received;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.webhook.WebhookEndpointWorkflowImpl;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery engine end to end inside one process: outbox rows, the dispatcher's store, the
 * endpoint workflow on Temporal's time-skipping test server (whose clock the activities read), the
 * real activities and sender, and a real HTTP receiver on the loopback address. Signatures are
 * checked by a verifier written here from the Standard Webhooks specification, not by the code
 * under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebhookDeliveryWorkflowTest {

    private final TestDatabase database = TestDatabases.create().migrate();
    private ApplicationContext context;
    private WebhookDeliveryStore store;
    private SecretCipher cipher;
    private Connection db;
    private TestWorkflowEnvironment testEnv;
    private WebhookEndpointWorkflows workflows;
    private WebhookReceiver receiver;
    private List<Received> received;

    @BeforeAll
    void start() throws Exception {
        context = ReleaseRows.context(database);
        store = context.getBean(WebhookDeliveryStore.class);
        cipher = context.getBean(SecretCipher.class);
        db = database.connect();
        receiver = WebhookReceiver.start();
        received = receiver.received();
    }

    @AfterAll
    void stop() throws SQLException {
        receiver.close();
        db.close();
        context.close();
    }

    @AfterEach
    void stopTestServer() {
        if (testEnv != null) {
            testEnv.close();
            testEnv = null;
        }
        receiver.reset();
    }

    private void startWorker(WebhookAddressPolicy policy, Duration disableAfter) {
        testEnv = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setInitialTime(Instant.parse("2030-01-01T00:00:00Z"))
                .build());
        Clock clock = new TestServerClock(testEnv);
        WebhookProperties properties = new WebhookProperties(
                true, Duration.ofSeconds(10), Duration.ofHours(26), disableAfter, Duration.ofDays(30));
        Worker worker = testEnv.newWorker(TaskQueues.RELEASES);
        worker.registerWorkflowImplementationTypes(WebhookEndpointWorkflowImpl.class);
        worker.registerActivitiesImplementations(new WebhookDeliveryActivitiesImpl(
                store, new WebhookSender(policy, properties, clock), cipher, properties, clock));
        testEnv.start();
        workflows = new WebhookEndpointWorkflows(testEnv.getWorkflowClient());
    }

    private void startWorker() {
        startWorker(new WebhookAddressPolicy(true, InetAddress::getAllByName), Duration.ofDays(5));
    }

    private Instant now() {
        return Instant.ofEpochMilli(testEnv.currentTimeMillis());
    }

    // --- rows ---------------------------------------------------------------------------------

    private UUID account(String type, UUID parent) throws SQLException {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO accounts (id, name, type, parent_account_id, time_zone, integration_pack_management,"
                        + " multi_install_packs, created_at, updated_at) VALUES (?, ?, ?, ?, 'UTC', ?, false, now(), now())",
                id,
                type.toLowerCase() + "-" + id,
                type,
                parent,
                type.equals("PARTNER"));
        return id;
    }

    private record Endpoint(UUID id, String secret) {}

    private Endpoint endpoint(UUID account, String url, String... types) throws SQLException {
        UUID id = UUID.randomUUID();
        String secret = WebhookSecrets.generate();
        try (PreparedStatement statement = db.prepareStatement(
                "INSERT INTO webhook_endpoints (id, account_id, url, event_types, secret, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, now(), now())")) {
            statement.setObject(1, id);
            statement.setObject(2, account);
            statement.setString(3, url);
            statement.setArray(4, db.createArrayOf("text", types));
            statement.setBytes(5, cipher.encrypt(WebhookSecrets.owner(id), secret));
            statement.executeUpdate();
        }
        return new Endpoint(id, secret);
    }

    private String hook() {
        return receiver.url();
    }

    private UUID event(UUID partner, UUID managed, String type, String data) throws SQLException {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO webhook_events (id, partner_account_id, managed_account_id, type, data, created_at)"
                        + " VALUES (?, ?, ?, ?, ?::jsonb, ?)",
                id,
                partner,
                managed,
                type,
                data,
                Timestamp.from(now()));
        return id;
    }

    /** What the dispatcher does: dispatch, then signal the endpoints that got deliveries. */
    private void dispatch() {
        store.dispatch(500, now()).endpoints().forEach(workflows::changed);
    }

    private void exec(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private List<String> column(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    /** Waits (real time, the receiver is real) until {@code count} requests arrived. */
    private void awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(count, received.size(), "requests received");
    }

    private void awaitStatus(UUID endpoint, String status, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (column("SELECT id FROM webhook_deliveries WHERE endpoint_id = ? AND status = ?", endpoint, status)
                            .size()
                    == count) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(count + " " + status + " deliveries expected at endpoint " + endpoint);
    }

    // --- tests -----------------------------------------------------------------------------------

    @Test
    void aDeliveryArrivesSignedWithTheDocumentedBody() throws Exception {
        startWorker();
        UUID partner = account("PARTNER", null);
        Endpoint endpoint = endpoint(partner, hook(), "*");
        UUID event = event(partner, null, "release.completed", "{\"releaseId\":\"r-1\",\"releaseNumber\":3}");

        dispatch();
        awaitReceived(1);
        Received request = received.get(0);
        assertTrue(verifies(endpoint.secret(), request), "signature verifies under the endpoint's secret");
        String delivery = column("SELECT id FROM webhook_deliveries WHERE event_id = ?", event)
                .get(0);
        assertEquals(delivery, request.header("webhook-id"));
        long timestamp = Long.parseLong(request.header("webhook-timestamp"));
        assertTrue(Math.abs(timestamp - now().getEpochSecond()) <= 5, "timestamp of the attempt");
        String created;
        try (PreparedStatement statement = db.prepareStatement("SELECT created_at FROM webhook_events WHERE id = ?")) {
            statement.setObject(1, event);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                created = row.getTimestamp(1).toInstant().toString();
            }
        }
        assertEquals(
                "{\"type\":\"release.completed\",\"timestamp\":\"" + created
                        + "\",\"sequence\":1,\"data\":{\"releaseId\": \"r-1\", \"releaseNumber\": 3}}",
                request.body());
        awaitStatus(endpoint.id(), "SUCCEEDED", 1);
        assertEquals(
                List.of("1|200|thanks"),
                column(
                        "SELECT a.attempt || '|' || a.status_code || '|' || a.response FROM webhook_attempts a"
                                + " JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = ?",
                        endpoint.id()));
        // nothing else is sent later
        testEnv.sleep(Duration.ofHours(30));
        assertEquals(1, received.size());
    }

    @Test
    void aReceiverThatFailsGetsTheEventAgainAndOnceAcceptedNoMore() throws Exception {
        startWorker();
        UUID partner = account("PARTNER", null);
        Endpoint endpoint = endpoint(partner, hook(), "release.completed");
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(() -> calls.incrementAndGet() == 1 ? 500 : 200);
        event(partner, null, "release.completed", "{\"n\":1}");

        dispatch();
        awaitReceived(1);
        // the retry falls due 5 s later, in the test server's time
        testEnv.sleep(Duration.ofSeconds(6));
        awaitReceived(2);
        assertEquals(received.get(0).header("webhook-id"), received.get(1).header("webhook-id"));
        assertEquals(received.get(0).body(), received.get(1).body());
        awaitStatus(endpoint.id(), "SUCCEEDED", 1);
        assertEquals(
                List.of("1|500", "2|200"),
                column(
                        "SELECT a.attempt || '|' || a.status_code FROM webhook_attempts a JOIN webhook_deliveries d"
                                + " ON d.id = a.delivery_id WHERE d.endpoint_id = ? ORDER BY a.attempt",
                        endpoint.id()));
        testEnv.sleep(Duration.ofDays(2));
        assertEquals(2, received.size(), "accepted: never sent again");
        assertEquals(
                List.of("true"),
                column("SELECT (failing_since IS NULL)::text FROM webhook_endpoints WHERE id = ?", endpoint.id()),
                "a success ends the endpoint's run of failures");
    }

    /**
     * A failed delivery makes its endpoint wait as a whole: the later deliveries are not tried (a
     * hanging endpoint would cost a request timeout each) and do not overtake it; at its retry they
     * all go, in sequence order.
     */
    @Test
    void aFailureHoldsTheEndpointsLaterDeliveriesUntilItsRetryThenAllGoInOrder() throws Exception {
        startWorker();
        UUID partner = account("PARTNER", null);
        Endpoint endpoint = endpoint(partner, hook(), "*");
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(() -> calls.incrementAndGet() == 1 ? 503 : 200);
        for (int n = 1; n <= 3; n++) {
            event(partner, null, "release.created", "{\"n\":" + n + "}");
        }

        dispatch();
        awaitReceived(1);
        Thread.sleep(500);
        assertEquals(1, received.size(), "the later deliveries wait behind the failed one");
        assertEquals(
                List.of("1|1", "2|0", "3|0"),
                column(
                        "SELECT sequence || '|' || attempts FROM webhook_deliveries WHERE endpoint_id = ?"
                                + " ORDER BY sequence",
                        endpoint.id()));
        assertEquals(
                List.of("true"),
                column(
                        "SELECT (w.retry_at = d.next_attempt_at)::text FROM webhook_endpoints w"
                                + " JOIN webhook_deliveries d ON d.endpoint_id = w.id AND d.sequence = 1 WHERE w.id = ?",
                        endpoint.id()),
                "the endpoint waits for the failed delivery's retry");

        testEnv.sleep(Duration.ofSeconds(6));
        awaitReceived(4);
        List<Integer> sequences = new ArrayList<>();
        for (Received request : received) {
            java.util.regex.Matcher sequence =
                    java.util.regex.Pattern.compile("\"sequence\":(\\d+)").matcher(request.body());
            assertTrue(sequence.find(), request.body());
            sequences.add(Integer.parseInt(sequence.group(1)));
        }
        assertEquals(List.of(1, 1, 2, 3), sequences);
        awaitStatus(endpoint.id(), "SUCCEEDED", 3);
        assertEquals(
                List.of("true"),
                column("SELECT (retry_at IS NULL)::text FROM webhook_endpoints WHERE id = ?", endpoint.id()));
    }

    @Test
    void deliveriesOfAnEndpointAreNumberedAndSentInOrder() throws Exception {
        startWorker();
        UUID partner = account("PARTNER", null);
        Endpoint endpoint = endpoint(partner, hook(), "release.created", "release.completed");
        event(partner, null, "release.created", "{\"n\":1}");
        event(partner, null, "release.started", "{\"n\":2}");
        event(partner, null, "release.completed", "{\"n\":3}");
        event(partner, null, "release.created", "{\"n\":4}");

        dispatch();
        awaitReceived(3);
        assertTrue(
                received.get(0).body().contains("\"sequence\":1,\"data\":{\"n\": 1}"),
                received.get(0).body());
        assertTrue(
                received.get(1).body().contains("\"sequence\":2,\"data\":{\"n\": 3}"),
                received.get(1).body());
        assertTrue(
                received.get(2).body().contains("\"sequence\":3,\"data\":{\"n\": 4}"),
                received.get(2).body());
        assertEquals(List.of("4"), column("SELECT next_sequence FROM webhook_endpoints WHERE id = ?", endpoint.id()));
        assertEquals(List.of("0"), column("SELECT count(*) FROM webhook_events WHERE NOT dispatched"));
    }

    @Test
    void aManagedAccountGetsItsOwnEventsAndOnlyItsInstancesOfABatch() throws Exception {
        startWorker();
        UUID partner = account("PARTNER", null);
        UUID mine = account("MANAGED", partner);
        UUID other = account("MANAGED", partner);
        Endpoint partnerEndpoint = endpoint(partner, hook() + "?partner", "*");
        Endpoint managedEndpoint = endpoint(mine, hook() + "?managed", "*");
        event(
                partner,
                null,
                "instances.updated",
                "{\"releaseId\":\"r\",\"instances\":[{\"instanceId\":\"a\",\"accountId\":\"" + mine
                        + "\"},{\"instanceId\":\"b\",\"accountId\":\"" + other + "\"},{\"instanceId\":\"c\","
                        + "\"accountId\":\"" + mine + "\"}]}");
        event(partner, other, "instance.installed", "{\"instanceId\":\"d\"}");
        event(partner, null, "release.completed", "{\"releaseId\":\"r\"}");
        event(partner, mine, "execution.failed", "{\"executionId\":\"e\"}");

        dispatch();
        awaitStatus(partnerEndpoint.id(), "SUCCEEDED", 4);
        awaitStatus(managedEndpoint.id(), "SUCCEEDED", 2);
        assertEquals(
                List.of("instances.updated|[\"a\", \"c\"]", "execution.failed|[]"),
                column(
                        "SELECT e.type || '|' || COALESCE(jsonb_path_query_array(d.data, '$.instances[*].instanceId')"
                                + "::text, 'null') FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id"
                                + " WHERE d.endpoint_id = ? ORDER BY d.sequence",
                        managedEndpoint.id()));
        assertEquals(
                List.of("[\"a\", \"b\", \"c\"]"),
                column(
                        "SELECT jsonb_path_query_array(d.data, '$.instances[*].instanceId')::text FROM webhook_deliveries d"
                                + " JOIN webhook_events e ON e.id = d.event_id WHERE d.endpoint_id = ?"
                                + " AND e.type = 'instances.updated'",
                        partnerEndpoint.id()));
        for (Received request : received) {
            Endpoint signer = isManaged(request) ? managedEndpoint : partnerEndpoint;
            assertTrue(verifies(signer.secret(), request));
        }
    }

    private boolean isManaged(Received request) throws SQLException {
        return !column(
                        "SELECT 1 FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id"
                                + " WHERE d.id = ?::uuid AND w.url LIKE '%?managed'",
                        request.header("webhook-id"))
                .isEmpty();
    }

    @Test
    void duringARotationBothSecretsSignAndAfterItOnlyTheNewOne() throws Exception {
        startWorker();
        UUID partner = account("PARTNER", null);
        Endpoint old = endpoint(partner, hook(), "*");
        String current = WebhookSecrets.generate();
        String owner = WebhookSecrets.owner(old.id());
        try (PreparedStatement statement = db.prepareStatement(
                "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = ?, secret = ?"
                        + " WHERE id = ?")) {
            statement.setTimestamp(1, Timestamp.from(now().plus(Duration.ofHours(24))));
            statement.setBytes(2, cipher.encrypt(owner, current));
            statement.setObject(3, old.id());
            statement.executeUpdate();
        }
        event(partner, null, "release.created", "{}");
        dispatch();
        awaitReceived(1);
        assertEquals(2, received.get(0).header("webhook-signature").split(" ").length);
        assertTrue(verifies(old.secret(), received.get(0)), "the previous secret still signs");
        assertTrue(verifies(current, received.get(0)), "the new secret signs");

        testEnv.sleep(Duration.ofHours(25));
        event(partner, null, "release.created", "{}");
        dispatch();
        awaitReceived(2);
        assertEquals(1, received.get(1).header("webhook-signature").split(" ").length);
        assertTrue(verifies(current, received.get(1)));
        assertFalse(verifies(old.secret(), received.get(1)), "the previous secret no longer signs");
    }

    @Test
    void anAddressRefusedAtDeliveryTimeIsNeverConnectedTo() throws Exception {
        // the name resolved to a public address when it was registered; now it resolves to a private one
        Map<String, String> resolves =
                new java.util.concurrent.ConcurrentHashMap<>(Map.of("hooks.example", "10.0.0.1"));
        startWorker(
                new WebhookAddressPolicy(false, host -> new InetAddress[] {
                    InetAddress.getByAddress(
                            host, InetAddress.getByName(resolves.get(host)).getAddress())
                }),
                Duration.ofDays(5));
        UUID partner = account("PARTNER", null);
        Endpoint endpoint = endpoint(partner, "https://hooks.example/hook", "*");
        event(partner, null, "release.created", "{}");
        dispatch();
        awaitAttempts(endpoint.id(), 1);
        assertEquals(
                List.of("1|null|refused: 'url' resolves to 10.0.0.1, a private address; webhooks go only to public"
                        + " addresses."),
                column(
                        "SELECT a.attempt || '|' || COALESCE(a.status_code::text, 'null') || '|' || a.error"
                                + " FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                                + " WHERE d.endpoint_id = ?",
                        endpoint.id()));
        resolves.put("hooks.example", "169.254.169.254");
        testEnv.sleep(Duration.ofSeconds(6));
        awaitAttempts(endpoint.id(), 2);
        assertTrue(column(
                        "SELECT error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                                + " WHERE d.endpoint_id = ? AND a.attempt = 2",
                        endpoint.id())
                .get(0)
                .contains("a cloud metadata address"));
        assertEquals(0, received.size());
    }

    private void awaitAttempts(UUID endpoint, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (column(
                                    "SELECT a.id FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                                            + " WHERE d.endpoint_id = ?",
                                    endpoint)
                            .size()
                    >= count) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(count + " attempts expected at endpoint " + endpoint);
    }

    @Test
    void aDeliveryIsRetriedForADayAndMoreThenGivenUpAndAFailingEndpointIsDisabled() throws Exception {
        startWorker(new WebhookAddressPolicy(true, InetAddress::getAllByName), Duration.ofHours(30));
        receiver.answer(() -> 503);
        UUID partner = account("PARTNER", null);
        Endpoint endpoint = endpoint(partner, hook(), "*");
        Endpoint watcher = endpoint(partner, hook() + "?watcher", WebhookEventTypes.WEBHOOK_ENDPOINT_DISABLED);
        UUID event = event(partner, null, "release.created", "{}");
        dispatch();
        awaitReceived(1);
        Instant first = now();
        // the delays grow (5 s, 20 s, 80 s, ... at most 10 h) and end 26 h after the delivery was made
        for (int i = 0;
                i < 12
                        && !column("SELECT status FROM webhook_deliveries WHERE event_id = ?", event)
                                .get(0)
                                .equals("FAILED");
                i++) {
            int before = received.size();
            testEnv.sleep(Duration.ofHours(11));
            awaitReceivedAtLeast(before + 1);
        }
        awaitStatus(endpoint.id(), "FAILED", 1);
        List<String> attempts = column(
                "SELECT extract(epoch FROM a.attempted_at - ?::timestamptz)::bigint FROM webhook_attempts a"
                        + " JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.event_id = ? ORDER BY a.attempt",
                Timestamp.from(first),
                event);
        long last = Long.parseLong(attempts.get(attempts.size() - 1));
        assertTrue(last >= Duration.ofHours(24).toSeconds(), "retried for at least 24 hours: " + attempts);
        for (int i = 2; i < attempts.size(); i++) {
            long gap = Long.parseLong(attempts.get(i)) - Long.parseLong(attempts.get(i - 1));
            long previousGap = Long.parseLong(attempts.get(i - 1)) - Long.parseLong(attempts.get(i - 2));
            assertTrue(gap >= previousGap || i == attempts.size() - 1, "growing delays: " + attempts);
        }
        assertEquals(List.of("t"), column("SELECT enabled FROM webhook_endpoints WHERE id = ?", endpoint.id()));

        // failing since the first attempt; 30 hours of failures disable it at the next failure
        testEnv.sleep(Duration.ofHours(5));
        event(partner, null, "release.created", "{}");
        dispatch();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (column("SELECT enabled FROM webhook_endpoints WHERE id = ?", endpoint.id())
                        .get(0)
                        .equals("t")
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("f"), column("SELECT enabled FROM webhook_endpoints WHERE id = ?", endpoint.id()));
        assertTrue(column("SELECT disabled_reason FROM webhook_endpoints WHERE id = ?", endpoint.id())
                .get(0)
                .startsWith("Disabled automatically"));
        // its owner is told, through its other endpoints
        assertEquals(
                List.of(partner + " null " + endpoint.id() + " " + hook()),
                column(
                        "SELECT partner_account_id || ' ' || coalesce(managed_account_id::text, 'null') || ' '"
                                + " || (data ->> 'endpointId') || ' ' || (data ->> 'url') FROM webhook_events"
                                + " WHERE type = 'webhook_endpoint.disabled' AND data ->> 'endpointId' = ?",
                        endpoint.id().toString()));
        assertTrue(column(
                        "SELECT data ->> 'disabledReason' FROM webhook_events WHERE type = 'webhook_endpoint.disabled'"
                                + " AND data ->> 'endpointId' = ?",
                        endpoint.id().toString())
                .get(0)
                .startsWith("Disabled automatically"));
        // dispatched to the watcher, whose workflow is not signalled: what follows counts requests
        store.dispatch(500, now());
        assertEquals(
                List.of("webhook_endpoint.disabled"),
                column(
                        "SELECT e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id"
                                + " WHERE d.endpoint_id = ?",
                        watcher.id()));
        int sent = received.size();
        // disabled: its pending delivery waits, nothing more is sent, new events are not dispatched to it
        event(partner, null, "release.created", "{}");
        dispatch();
        testEnv.sleep(Duration.ofHours(12));
        Thread.sleep(300);
        assertEquals(sent, received.size());
        assertEquals(
                List.of("1"),
                column(
                        "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'PENDING'",
                        endpoint.id()));
        assertNull(column(
                        "SELECT max(finished_at) FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'PENDING'",
                        endpoint.id())
                .get(0));
    }

    @Test
    void eventsOlderThanTheRetentionAreForgottenUnlessADeliveryIsPending() throws Exception {
        startWorker();
        receiver.answer(() -> 200);
        UUID partner = account("PARTNER", null);
        Endpoint endpoint = endpoint(partner, hook(), "*");
        UUID delivered = event(partner, null, "release.created", "{}");
        dispatch();
        awaitStatus(endpoint.id(), "SUCCEEDED", 1);
        exec("UPDATE webhook_endpoints SET enabled = false WHERE id = ?", endpoint.id());
        exec("UPDATE webhook_endpoints SET enabled = true WHERE id = ?", endpoint.id());
        UUID pending = event(partner, null, "release.started", "{}");
        store.dispatch(500, now());
        UUID undispatched = event(partner, null, "release.completed", "{}");
        exec(
                "UPDATE webhook_events SET created_at = created_at - interval '40 days' WHERE partner_account_id = ?",
                partner);
        UUID recent = event(partner, null, "release.created", "{}");
        store.dispatch(1, now()); // only the oldest undispatched one

        assertEquals(1, store.forgetBefore(now().minus(Duration.ofDays(30)), 100));
        List<String> left = column("SELECT id FROM webhook_events WHERE partner_account_id = ? ORDER BY seq", partner);
        assertFalse(left.contains(delivered.toString()), "delivered and old: forgotten");
        assertTrue(left.contains(pending.toString()), "a pending delivery keeps its event");
        assertTrue(left.contains(undispatched.toString()) && left.contains(recent.toString()));
        assertEquals(
                List.of("0"),
                column(
                        "SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d"
                                + " ON d.id = a.delivery_id WHERE d.event_id = ?",
                        delivered));
    }

    private void awaitReceivedAtLeast(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
