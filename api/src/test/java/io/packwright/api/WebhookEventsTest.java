package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.activities.store.webhook.WebhookDeliveryStore;
import io.packwright.activities.webhook.WebhookEndpointWorkflows;
import io.packwright.activities.webhook.WebhookEventTypes;
import io.packwright.activities.webhook.WebhookReceiver;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The webhook outbox seen from the changes that fill it: every change that the contract lists is
 * driven through the real HTTP API (and the real release and schedule workflows), and the rows it
 * wrote to {@code webhook_events} are asserted exactly: type, partner and managed account, every
 * key of {@code data}. A release's fan-out is one statement here (one lane, batches of 5,000), so
 * that its 2,500 applied instances must be cut into events of 1,000, 1,000 and 500. A change that
 * rolls back writes no event and notifies nobody.
 */
class WebhookEventsTest extends ReleaseWorkerApiTestBase {

    /** How the API writes an instant (java.time.Instant): seconds, then 0, 3 or 6 fraction digits. */
    private static final Pattern INSTANT =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3}|\\.\\d{6})?Z");

    /** The one receiver of every endpoint of the tests. */
    private final WebhookReceiver receiver = WebhookReceiver.start();
    /** The worlds the running test made, whose deliveries {@link #everyEventArrivesOverHttpSignedWithItsBody} checks. */
    private final List<World> worlds = new ArrayList<>();

    private final Set<String> deliveredTypes = new java.util.TreeSet<>();
    private int testsRun;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.releases.lanes", "1");
        properties.put("packwright.releases.batch-size", "5000");
        properties.put("packwright.executions.start-window", "6s");
        properties.put("packwright.executions.lease", "3s");
        // the release activities run in this context: the worker's statement timeout, not the api's
        properties.put("packwright.database.statement-timeout", "25s");
        // the receiver of every world's endpoints listens on the loopback address
        properties.put("packwright.webhooks.allow-loopback", "true");
        return properties;
    }

    // --- the outbox ---

    /** A row of {@code webhook_events}. */
    private record Event(
            UUID id,
            long seq,
            String type,
            UUID partner,
            UUID managed,
            Map<String, Object> data,
            Instant createdAt,
            boolean dispatched) {

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> instances() {
            return (List<Map<String, Object>>) data.get("instances");
        }
    }

    /** The newest {@code seq} now: the events after it are what the next change wrote. */
    private long mark() {
        return count("SELECT COALESCE(max(seq), 0) FROM webhook_events");
    }

    /** The events of {@code partner}'s tenant after {@code mark}, in {@code seq} order, all undispatched. */
    private List<Event> eventsSince(UUID partner, long mark) {
        List<Event> events = outbox(partner, mark);
        events.forEach(event -> {
            assertNotNull(event.id());
            assertFalse(event.dispatched(), "an event waits for the dispatcher");
        });
        return events;
    }

    /** The events of {@code partner}'s tenant after {@code mark}, in {@code seq} order. */
    private List<Event> outbox(UUID partner, long mark) {
        try (Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT id, seq, type, partner_account_id, managed_account_id, data::text AS data, created_at,
                               dispatched
                        FROM webhook_events WHERE partner_account_id = ? AND seq > ? ORDER BY seq""")) {
            query.setObject(1, partner);
            query.setLong(2, mark);
            List<Event> events = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new Event(
                            rows.getObject("id", UUID.class),
                            rows.getLong("seq"),
                            rows.getString("type"),
                            rows.getObject("partner_account_id", UUID.class),
                            rows.getObject("managed_account_id", UUID.class),
                            parse(rows.getString("data")),
                            rows.getTimestamp("created_at").toInstant(),
                            rows.getBoolean("dispatched")));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String data) {
        try {
            return json.readValue(data, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }

    private static List<Event> ofType(List<Event> events, String type) {
        return events.stream().filter(event -> event.type().equals(type)).toList();
    }

    private static Event only(List<Event> events, String type) {
        List<Event> found = ofType(events, type);
        assertEquals(1, found.size(), () -> type + " in " + types(events));
        return found.get(0);
    }

    /** What every release event says about its release: as the API shows the release. */
    private static Map<String, Object> releaseData(ApiResponse release) {
        return obj(
                "releaseId", release.string("id"),
                "integrationPackId", release.string("integrationPackId"),
                "releaseNumber", release.get("releaseNumber"),
                "releaseSchedule", release.string("releaseSchedule"),
                "releaseOnDate", release.get("releaseOnDate"),
                "windowStart", release.get("windowStart"),
                "windowEnd", release.get("windowEnd"),
                "status", release.string("status"));
    }

    private static Map<String, Object> with(Map<String, Object> data, Object... keysAndValues) {
        Map<String, Object> extended = new LinkedHashMap<>(data);
        extended.putAll(obj(keysAndValues));
        return extended;
    }

    private static void assertReleaseEvent(Event event, String type, UUID partner, Map<String, Object> expectedData) {
        assertEquals(type, event.type());
        assertEquals(partner, event.partner());
        assertNull(event.managed(), "release events concern the partner's tenant only");
        assertEquals(expectedData, event.data(), type);
        for (String key : List.of("windowStart", "windowEnd", "startedAt", "completedAt")) {
            Object value = event.data().get(key);
            assertTrue(value == null || INSTANT.matcher((String) value).matches(), () -> key + ": " + value);
        }
    }

    /** A connection listening on the outbox's channel; the caller closes it. */
    private Connection listening() throws SQLException {
        Connection connection = database.connect();
        try (Statement listen = connection.createStatement()) {
            listen.execute("LISTEN " + NotificationChannel.WEBHOOK_EVENTS.channel());
        }
        return connection;
    }

    /** The outbox notifications that reach {@code connection} within {@code wait}. */
    private static List<String> notifications(Connection connection, Duration wait) throws SQLException {
        PGNotification[] received = connection.unwrap(PGConnection.class).getNotifications((int) wait.toMillis());
        List<String> payloads = new ArrayList<>();
        if (received != null) {
            for (PGNotification notification : received) {
                assertEquals(NotificationChannel.WEBHOOK_EVENTS.channel(), notification.getName());
                payloads.add(notification.getParameter());
            }
        }
        return payloads;
    }

    private static void await(String what, Duration patience, BooleanSupplier done) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " did not happen within " + patience);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // --- a partner's world, through the API ---

    /** A partner, two managed accounts in one group, a pack with one process released once. */
    private final class World {
        final UUID partner;
        final UUID customer;
        final UUID otherCustomer;
        final UUID component;
        final UUID pack;
        final String packName = "Webhook pack " + UUID.randomUUID();
        final ApiResponse firstRelease;
        /** The partner's endpoint for every event of its tenant. */
        final Hook partnerHook;
        /** The endpoint of {@link #customer} for every event about it. */
        final Hook customerHook;

        World(String installationType) {
            this(createPartner("Webhook partner " + UUID.randomUUID(), true, true), installationType);
        }

        World(UUID partner, String installationType) {
            this.partner = partner;
            customer = createManaged(partner, "Webhook customer");
            otherCustomer = createManaged(partner, "Other webhook customer");
            partnerHook = subscribe(partner);
            customerHook = subscribe(customer);
            worlds.add(this);
            component = fixtures.component(partner, "Ship orders", "PROCESS");
            fixtures.pkg(partner, component, "1.0", true);
            pack = fixtures.pack(partner, packName, installationType);
            fixtures.add(partner, pack, component);
            fixtures.group(partner, "Webhook customers", customer, pack);
            fixtures.exec(
                    "INSERT INTO account_group_members (account_group_id, account_id, added_at)"
                            + " SELECT account_group_id, ?, now() FROM account_group_packs WHERE integration_pack_id = ?",
                    otherCustomer,
                    pack);
            firstRelease = awaitStatus(partner, release(obj("releaseSchedule", "IMMEDIATELY")), "RELEASED");
        }

        String release(Map<String, Object> body) {
            ApiResponse response =
                    api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
            assertEquals(202, response.status(), response::toString);
            return response.string("id");
        }

        ApiResponse releaseNow(String version) {
            fixtures.pkg(partner, component, version, true);
            return api.get(
                    "/api/v1/releases/" + release(obj("releaseSchedule", "IMMEDIATELY")), Tokens.account(partner));
        }

        ApiResponse install(UUID account, String overrideName) {
            ApiResponse installed = api.post(
                    "/api/v1/integration-pack-instances",
                    Tokens.account(account),
                    obj("integrationPackId", pack, "integrationPackOverrideName", overrideName));
            assertEquals(201, installed.status(), installed::toString);
            return installed;
        }

        String currentReleaseId() {
            return fixtures.column("SELECT current_release_id::text FROM integration_packs WHERE id = '" + pack + "'")
                    .get(0);
        }

        String environment(UUID account, String name) {
            ApiResponse created = api.post(
                    "/api/v1/environments", Tokens.account(account), obj("name", name, "classification", "PROD"));
            assertEquals(201, created.status(), created::toString);
            return created.string("id");
        }

        void attach(UUID account, String instance, String environment) {
            ApiResponse attached = api.post(
                    "/api/v1/integration-pack-instances/" + instance + "/environment-attachments",
                    Tokens.account(account),
                    obj("environmentId", environment));
            assertEquals(201, attached.status(), attached::toString);
        }

        String runtime(UUID account, String environment) {
            ApiResponse created = api.post(
                    "/api/v1/environments/" + environment + "/runtimes",
                    Tokens.account(account),
                    obj("name", "atom-" + UUID.randomUUID()));
            assertEquals(201, created.status(), created::toString);
            return created.string("token");
        }
    }

    // --- every event over HTTP ---

    /** An endpoint registered through the API, with the secret its creation answered. */
    private record Hook(UUID id, UUID account, String secret) {}

    /** Registers an endpoint of {@code account} for every event, at {@link #receiver}. */
    private Hook subscribe(UUID account) {
        ApiResponse created = api.post(
                "/api/v1/webhook-endpoints",
                Tokens.account(account),
                obj("url", receiver.url(), "eventTypes", List.of(WebhookEventTypes.WILDCARD)));
        assertEquals(201, created.status(), created::toString);
        return new Hook(UUID.fromString(created.string("id")), account, created.string("secret"));
    }

    /** A delivery of an endpoint, with its event. */
    private record Delivery(UUID id, long sequence, String status, Map<String, Object> data, Event event) {}

    private List<Delivery> deliveries(Hook hook, Map<UUID, Event> events) {
        List<Delivery> deliveries = new ArrayList<>();
        try (Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT id, sequence, status, event_id, data::text AS data FROM webhook_deliveries
                        WHERE endpoint_id = ? ORDER BY sequence""")) {
            query.setObject(1, hook.id());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    deliveries.add(new Delivery(
                            rows.getObject("id", UUID.class),
                            rows.getLong("sequence"),
                            rows.getString("status"),
                            parse(rows.getString("data")),
                            events.get(rows.getObject("event_id", UUID.class))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return deliveries;
    }

    /**
     * What the endpoint of managed account {@code account} gets of {@code event}: the whole event
     * when it is about that account, its own instances of a batch, nothing otherwise ({@code null}).
     */
    private static Map<String, Object> customerShare(Event event, UUID account) {
        if (!WebhookEventTypes.MANAGED_ACCOUNT_TYPES.contains(event.type())) {
            return null;
        }
        if (event.managed() != null) {
            return account.equals(event.managed()) ? event.data() : null;
        }
        List<Map<String, Object>> mine = event.instances().stream()
                .filter(instance -> account.toString().equals(instance.get("accountId")))
                .toList();
        return mine.isEmpty() ? null : with(event.data(), "instances", mine);
    }

    /**
     * After each test, what the worker would do with its outbox, and what came of it: the events are
     * dispatched, the endpoints' delivery workflows send them to the receiver over HTTP, and every
     * event of each world's tenant arrived at the partner's endpoint, and every event about the
     * customer (of a batch, its own instances) at the customer's, exactly once each in sequence
     * order, signed under the endpoint's secret, with the body {@code {"type","timestamp",
     * "sequence","data"}} of the event.
     */
    @AfterEach
    void everyEventArrivesOverHttpSignedWithItsBody() {
        WebhookDeliveryStore store = context.getBean(WebhookDeliveryStore.class);
        WebhookEndpointWorkflows workflows = context.getBean(WebhookEndpointWorkflows.class);
        WebhookDeliveryStore.Dispatch dispatch;
        do {
            dispatch = store.dispatch(1000, Instant.now());
            dispatch.endpoints().forEach(workflows::changed);
        } while (dispatch.events() > 0);
        List<World> tested = List.copyOf(worlds);
        worlds.clear();
        List<UUID> hooks = tested.stream()
                .flatMap(world -> java.util.stream.Stream.of(world.partnerHook.id(), world.customerHook.id()))
                .toList();
        await(
                "every delivery of the test",
                Duration.ofSeconds(60),
                () -> hooks.stream()
                        .allMatch(hook -> count("SELECT count(*) FROM webhook_deliveries WHERE status = 'PENDING'"
                                        + " AND endpoint_id = '" + hook + "'")
                                == 0));
        Map<String, List<WebhookReceiver.Received>> receivedById = new HashMap<>();
        receiver.received()
                .forEach(request -> receivedById
                        .computeIfAbsent(request.header("webhook-id"), id -> new ArrayList<>())
                        .add(request));
        for (World world : tested) {
            List<Event> events = outbox(world.partner, 0);
            Map<UUID, Event> byId = new HashMap<>();
            events.forEach(event -> byId.put(event.id(), event));

            List<Delivery> toPartner = deliveries(world.partnerHook, byId);
            assertEquals(
                    events.stream().map(Event::id).toList(),
                    toPartner.stream().map(delivery -> delivery.event().id()).toList(),
                    "the partner's endpoint gets every event of its tenant, in order");
            toPartner.forEach(delivery -> assertEquals(delivery.event().data(), delivery.data()));

            List<Delivery> toCustomer = deliveries(world.customerHook, byId);
            List<Event> aboutCustomer = events.stream()
                    .filter(event -> customerShare(event, world.customer) != null)
                    .toList();
            assertEquals(
                    aboutCustomer.stream().map(Event::id).toList(),
                    toCustomer.stream().map(delivery -> delivery.event().id()).toList(),
                    "the customer's endpoint gets the events about it, in order");
            toCustomer.forEach(
                    delivery -> assertEquals(customerShare(delivery.event(), world.customer), delivery.data()));

            for (Hook hook : List.of(world.partnerHook, world.customerHook)) {
                List<Delivery> deliveries = hook == world.partnerHook ? toPartner : toCustomer;
                for (int i = 0; i < deliveries.size(); i++) {
                    Delivery delivery = deliveries.get(i);
                    assertEquals(i + 1, delivery.sequence(), "sequences count from 1 without a gap");
                    assertEquals("SUCCEEDED", delivery.status(), delivery::toString);
                    List<WebhookReceiver.Received> requests =
                            receivedById.get(delivery.id().toString());
                    assertNotNull(requests, () -> "never received: " + delivery);
                    assertEquals(1, requests.size(), () -> "received once: " + delivery);
                    WebhookReceiver.Received request = requests.get(0);
                    assertTrue(WebhookReceiver.verifies(hook.secret(), request), () -> "signed: " + delivery);
                    Map<String, Object> body = parse(request.body());
                    assertEquals(
                            obj(
                                    "type", delivery.event().type(),
                                    "timestamp", delivery.event().createdAt().toString(),
                                    "sequence", (int) delivery.sequence(),
                                    "data", delivery.data()),
                            body);
                    deliveredTypes.add(delivery.event().type());
                }
            }
        }
        testsRun++;
    }

    /**
     * Once the whole class ran: every type of the catalogue arrived somewhere, but the notice of a
     * disabled endpoint.
     */
    @AfterAll
    void everyEmittedTypeOfTheCatalogueWasDelivered() {
        receiver.close();
        long tests = java.util.Arrays.stream(WebhookEventsTest.class.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(Test.class))
                .count();
        if (testsRun < tests) {
            return; // a selection of the tests ran: the catalogue cannot be complete
        }
        Set<String> emitted = new java.util.TreeSet<>(WebhookEventTypes.ALL);
        emitted.removeAll(List.of(
                // written by the delivery activities, not by a change: WebhookDeliveryWorkflowTest
                WebhookEventTypes.WEBHOOK_ENDPOINT_DISABLED));
        assertEquals(emitted, deliveredTypes);
    }

    // --- releases and their ledger ---

    @Test
    void anImmediateReleaseToManyInstancesEmitsItsLifeAndItsLedgerInBatchesOfAThousand() throws SQLException {
        World world = new World("MULTI");
        List<Event> first = eventsSince(world.partner, 0);
        assertEquals(List.of("release.created", "release.started", "release.completed"), types(first));
        Map<String, Object> firstData = releaseData(world.firstRelease);
        assertReleaseEvent(first.get(0), "release.created", world.partner, with(firstData, "status", "IN_PROGRESS"));
        assertReleaseEvent(
                first.get(1),
                "release.started",
                world.partner,
                with(firstData, "status", "IN_PROGRESS", "startedAt", world.firstRelease.get("startedAt")));
        assertReleaseEvent(
                first.get(2),
                "release.completed",
                world.partner,
                with(
                        firstData,
                        "completedAt",
                        world.firstRelease.get("completedAt"),
                        "counts",
                        obj("installed", 0, "appliedManually", 0, "appliedAutomatically", 0, "failed", 0)));

        // one instance installed through the api, with its notification
        String installed;
        long beforeInstall = mark();
        try (Connection listener = listening()) {
            installed = world.install(world.customer, "eu").string("id");
            assertEquals(List.of(NotificationChannel.OUTBOX_KEY), notifications(listener, Duration.ofSeconds(5)));
        }
        Event install = only(eventsSince(world.partner, beforeInstall), "instance.installed");
        assertEquals(1, eventsSince(world.partner, beforeInstall).size());
        assertEquals(world.customer, install.managed());
        assertEquals(
                obj(
                        "integrationPackInstanceId",
                        installed,
                        "accountId",
                        world.customer.toString(),
                        "integrationPackId",
                        world.pack.toString(),
                        "overrideName",
                        "eu",
                        "releaseId",
                        world.firstRelease.string("id"),
                        "releaseNumber",
                        1),
                install.data());

        // 2,500 more that can take release 2; the installed one lacks its required value
        UUID firstReleaseId = UUID.fromString(world.firstRelease.string("id"));
        fixtures.instances(world.customer, world.pack, firstReleaseId, 1_250);
        fixtures.instances(world.otherCustomer, world.pack, firstReleaseId, 1_250);
        fixtures.exec(
                "INSERT INTO instance_extension_values (integration_pack_instance_id, key, value)"
                        + " SELECT id, 'region', 'eu' FROM integration_pack_instances"
                        + " WHERE integration_pack_id = ? AND override_name LIKE 'bulk-%'",
                world.pack);
        Map<String, String> accountOf = new HashMap<>();
        for (String row : fixtures.column("SELECT id || ' ' || account_id FROM integration_pack_instances"
                + " WHERE integration_pack_id = '" + world.pack + "' AND override_name LIKE 'bulk-%'")) {
            accountOf.put(row.split(" ")[0], row.split(" ")[1]);
        }
        assertEquals(2_500, accountOf.size());
        fixtures.pkg(
                world.partner,
                world.component,
                "2.0",
                true,
                CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));

        long beforeRelease = mark();
        String second = world.release(obj("releaseSchedule", "IMMEDIATELY"));
        await(
                "release 2",
                Duration.ofMinutes(3),
                () -> "RELEASED"
                        .equals(api.get("/api/v1/releases/" + second, Tokens.account(world.partner))
                                .string("status")));
        ApiResponse done = api.get("/api/v1/releases/" + second, Tokens.account(world.partner));

        List<Event> events = eventsSince(world.partner, beforeRelease);
        assertEquals(
                List.of(
                        "release.created",
                        "release.started",
                        "instances.updated",
                        "instances.updated",
                        "instances.updated",
                        "instances.update_failed",
                        "release.completed"),
                types(events));
        Map<String, Object> data = releaseData(done);
        assertReleaseEvent(events.get(0), "release.created", world.partner, with(data, "status", "IN_PROGRESS"));
        assertReleaseEvent(
                events.get(1),
                "release.started",
                world.partner,
                with(data, "status", "IN_PROGRESS", "startedAt", done.get("startedAt")));
        assertReleaseEvent(
                events.get(6),
                "release.completed",
                world.partner,
                with(
                        data,
                        "completedAt",
                        done.get("completedAt"),
                        "counts",
                        obj("installed", 2_500, "appliedManually", 0, "appliedAutomatically", 2_500, "failed", 1)));

        List<Event> batches = ofType(events, "instances.updated");
        assertEquals(
                List.of(1_000, 1_000, 500),
                batches.stream().map(batch -> batch.instances().size()).toList());
        List<String> covered = new ArrayList<>();
        for (Event batch : batches) {
            assertEquals(world.partner, batch.partner());
            assertNull(batch.managed(), "a batch spans accounts; each instance names its own");
            assertEquals(
                    Set.of("releaseId", "integrationPackId", "releaseNumber", "instances"),
                    batch.data().keySet());
            assertEquals(second, batch.data().get("releaseId"));
            assertEquals(world.pack.toString(), batch.data().get("integrationPackId"));
            assertEquals(2, ((Number) batch.data().get("releaseNumber")).intValue());
            for (Map<String, Object> instance : batch.instances()) {
                String id = (String) instance.get("integrationPackInstanceId");
                assertEquals(
                        obj(
                                "integrationPackInstanceId",
                                id,
                                "accountId",
                                accountOf.get(id),
                                "status",
                                "APPLIED",
                                "mode",
                                "IMMEDIATE"),
                        instance);
                covered.add(id);
            }
        }
        assertEquals(2_500, covered.size());
        assertEquals(accountOf.keySet(), new HashSet<>(covered), "every applied instance, each once");
        assertEquals(covered.stream().sorted().toList(), covered, "in instance id order across the batches");

        Event failed = only(events, "instances.update_failed");
        assertNull(failed.managed());
        List<Map<String, Object>> ledger =
                listAll("/api/v1/releases/" + second + "/instances?status=FAILED", Tokens.account(world.partner), 10);
        assertEquals(1, ledger.size());
        assertTrue(((String) ledger.get(0).get("failureReason")).contains("'region'"), ledger::toString);
        assertEquals(
                obj(
                        "releaseId",
                        second,
                        "integrationPackId",
                        world.pack.toString(),
                        "releaseNumber",
                        2,
                        "instances",
                        List.of(obj(
                                "integrationPackInstanceId",
                                installed,
                                "accountId",
                                world.customer.toString(),
                                "status",
                                "FAILED",
                                "reason",
                                ledger.get(0).get("failureReason"),
                                "attempts",
                                1))),
                failed.data());
    }

    @Test
    void aScheduledReleaseEmitsTheManualApplyAndAtItsWindowStartedTheAutomaticApplyAndCompleted() {
        // a partner whose midnight is 20 to 80 seconds away: the release's window opens during the test
        ZoneOffset offset = offsetWithMidnightIn(Instant.now(), Duration.ofSeconds(20));
        ApiResponse created = api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                obj(
                        "name",
                        "Midnight partner " + UUID.randomUUID(),
                        "type",
                        "PARTNER",
                        "timeZone",
                        timeZone(offset),
                        "features",
                        obj("integrationPackManagement", true, "multiInstallIntegrationPacks", false)));
        assertEquals(201, created.status(), created::toString);
        World world = new World(UUID.fromString(created.string("id")), "SINGLE");
        String mine = installSingle(world, world.customer);
        String theirs = installSingle(world, world.otherCustomer);

        long before = mark();
        fixtures.pkg(world.partner, world.component, "2.0", true);
        String id = world.release(obj(
                "releaseSchedule",
                "RELEASE_ON_SPECIFIED_DATE",
                "releaseOnDate",
                LocalDate.now(offset).plusDays(1).toString()));
        ApiResponse scheduled = api.get("/api/v1/releases/" + id, Tokens.account(world.partner));
        assertEquals("SCHEDULED", scheduled.string("status"));
        ApiResponse applied = api.raw(
                "POST",
                "/api/v1/integration-pack-instances/" + mine + "/apply-pending-update",
                Tokens.account(world.customer),
                null,
                "");
        assertEquals(200, applied.status(), applied::toString);

        List<Event> testing = eventsSince(world.partner, before);
        assertEquals(List.of("release.created", "instances.updated"), types(testing));
        assertReleaseEvent(testing.get(0), "release.created", world.partner, releaseData(scheduled));
        assertEquals(
                obj(
                        "releaseId",
                        id,
                        "integrationPackId",
                        world.pack.toString(),
                        "releaseNumber",
                        2,
                        "instances",
                        List.of(obj(
                                "integrationPackInstanceId",
                                mine,
                                "accountId",
                                world.customer.toString(),
                                "status",
                                "APPLIED",
                                "mode",
                                "MANUAL"))),
                testing.get(1).data());

        long window = mark();
        await(
                "the release's window",
                Duration.ofMinutes(3),
                () -> "RELEASED"
                        .equals(api.get("/api/v1/releases/" + id, Tokens.account(world.partner))
                                .string("status")));
        ApiResponse done = api.get("/api/v1/releases/" + id, Tokens.account(world.partner));
        List<Event> events = eventsSince(world.partner, window);
        assertEquals(List.of("release.started", "instances.updated", "release.completed"), types(events));
        Map<String, Object> data = releaseData(done);
        assertReleaseEvent(
                events.get(0),
                "release.started",
                world.partner,
                with(data, "status", "IN_PROGRESS", "startedAt", done.get("startedAt")));
        assertEquals(
                List.of(obj(
                        "integrationPackInstanceId",
                        theirs,
                        "accountId",
                        world.otherCustomer.toString(),
                        "status",
                        "APPLIED",
                        "mode",
                        "AUTOMATIC")),
                events.get(1).instances());
        assertReleaseEvent(
                events.get(2),
                "release.completed",
                world.partner,
                with(
                        data,
                        "completedAt",
                        done.get("completedAt"),
                        "counts",
                        obj("installed", 2, "appliedManually", 1, "appliedAutomatically", 1, "failed", 0)));
    }

    private String installSingle(World world, UUID account) {
        ApiResponse installed = api.post(
                "/api/v1/integration-pack-instances", Tokens.account(account), obj("integrationPackId", world.pack));
        assertEquals(201, installed.status(), installed::toString);
        return installed.string("id");
    }

    @Test
    void supersedingUninstallingAndDeletingThePackEmitOnceEachAndTheCleanUpNothingPerInstance() {
        World world = new World("MULTI");
        String kept = world.install(world.customer, "kept").string("id");
        String removed = world.install(world.otherCustomer, "removed").string("id");
        fixtures.instances(world.otherCustomer, world.pack, UUID.fromString(world.currentReleaseId()), 30);

        long beforeUninstall = mark();
        assertEquals(
                204,
                api.delete("/api/v1/integration-pack-instances/" + removed, Tokens.account(world.otherCustomer))
                        .status());
        List<Event> uninstalled = eventsSince(world.partner, beforeUninstall);
        assertEquals(List.of("instance.uninstalled"), types(uninstalled));
        assertEquals(world.otherCustomer, uninstalled.get(0).managed());
        assertEquals(
                obj(
                        "integrationPackInstanceId",
                        removed,
                        "accountId",
                        world.otherCustomer.toString(),
                        "integrationPackId",
                        world.pack.toString(),
                        "overrideName",
                        "removed"),
                uninstalled.get(0).data());

        // a pending release superseded by an immediate one
        fixtures.pkg(world.partner, world.component, "2.0", true);
        String pending = world.release(obj(
                "releaseSchedule",
                "RELEASE_ON_SPECIFIED_DATE",
                "releaseOnDate",
                LocalDate.now(ZoneOffset.ofHours(1)).plusDays(5).toString()));
        long beforeImmediate = mark();
        ApiResponse immediate = world.releaseNow("3.0");
        String third = immediate.string("id");
        ApiResponse superseded = awaitStatus(world.partner, pending, "SUPERSEDED");
        ApiResponse done = awaitStatus(world.partner, third, "RELEASED");
        List<Event> events = eventsSince(world.partner, beforeImmediate);
        assertEquals(
                List.of(
                        "release.created",
                        "release.started",
                        "release.superseded",
                        "instances.updated",
                        "release.completed"),
                types(events));
        assertReleaseEvent(
                events.get(2),
                "release.superseded",
                world.partner,
                with(releaseData(superseded), "supersededById", third, "completedAt", superseded.get("completedAt")));
        assertEquals(31, events.get(3).instances().size());
        assertTrue(events.get(3).instances().stream()
                .anyMatch(instance -> kept.equals(instance.get("integrationPackInstanceId"))));
        assertEquals(
                obj("installed", 31, "appliedManually", 0, "appliedAutomatically", 31, "failed", 0),
                events.get(4).data().get("counts"));
        assertEquals(done.get("completedAt"), events.get(4).data().get("completedAt"));

        // deleting the pack: one event for the pack, one for its pending release, none per instance
        fixtures.pkg(world.partner, world.component, "4.0", true);
        String fourth = world.release(obj(
                "releaseSchedule",
                "RELEASE_ON_SPECIFIED_DATE",
                "releaseOnDate",
                LocalDate.now(ZoneOffset.ofHours(1)).plusDays(5).toString()));
        ApiResponse cancelledBefore = api.get("/api/v1/releases/" + fourth, Tokens.account(world.partner));
        long beforeDelete = mark();
        Instant asked = Instant.now();
        assertEquals(
                204,
                api.delete("/api/v1/integration-packs/" + world.pack, Tokens.account(world.partner))
                        .status());
        Instant answered = Instant.now();
        await(
                "the pack's clean-up",
                Duration.ofSeconds(60),
                () -> count("SELECT count(*) FROM integration_packs WHERE id = '" + world.pack + "'") == 0);
        List<Event> deletion = eventsSince(world.partner, beforeDelete);
        assertEquals(List.of("integration_pack.deleted", "release.cancelled"), types(deletion));
        Event deleted = deletion.get(0);
        assertNull(deleted.managed());
        assertEquals(
                Set.of("integrationPackId", "name", "deletedAt"), deleted.data().keySet());
        assertEquals(world.pack.toString(), deleted.data().get("integrationPackId"));
        assertEquals(world.packName, deleted.data().get("name"));
        String deletedAt = (String) deleted.data().get("deletedAt");
        assertTrue(INSTANT.matcher(deletedAt).matches(), deletedAt);
        Instant at = Instant.parse(deletedAt);
        assertFalse(at.isBefore(asked.minusSeconds(1)) || at.isAfter(answered.plusSeconds(1)), deletedAt);
        Event cancelled = deletion.get(1);
        assertReleaseEvent(
                cancelled,
                "release.cancelled",
                world.partner,
                with(releaseData(cancelledBefore), "status", "CANCELLED", "completedAt", deletedAt, "reason", null));
    }

    // --- runtimes and executions ---

    @Test
    void everyRuntimeReportEmitsOneDeploymentEventOfItsEnvironment() {
        World world = new World("MULTI");
        String instance = world.install(world.customer, "eu").string("id");
        String environment = world.environment(world.customer, "Production");
        world.attach(world.customer, instance, environment);
        String token = world.runtime(world.customer, environment);
        String report = "/api/v1/runtime/deployments/" + instance;

        long before = mark();
        assertEquals(
                204,
                api.put(report, token, obj("releaseNumber", 1, "state", "DEPLOYED"))
                        .status());
        assertProblem(400, api.put(report, token, obj("releaseNumber", 99, "state", "DEPLOYED")));
        assertEquals(
                204,
                api.put(report, token, obj("releaseNumber", 1, "state", "FAILED", "message", "disk full"))
                        .status());

        List<Event> events = eventsSince(world.partner, before);
        assertEquals(List.of("deployment.reported", "deployment.reported"), types(events));
        String release = world.firstRelease.string("id");
        List<Map<String, Object>> reported = List.of(
                obj("integrationPackInstanceId", instance, "releaseId", release, "state", "DEPLOYED", "message", null),
                obj(
                        "integrationPackInstanceId",
                        instance,
                        "releaseId",
                        release,
                        "state",
                        "FAILED",
                        "message",
                        "disk full"));
        for (int i = 0; i < 2; i++) {
            Event event = events.get(i);
            assertEquals(world.partner, event.partner());
            assertEquals(world.customer, event.managed());
            assertEquals(
                    obj(
                            "environmentId",
                            environment,
                            "accountId",
                            world.customer.toString(),
                            "instances",
                            List.of(reported.get(i))),
                    event.data());
        }
    }

    @Test
    void failedTimedOutAndMissedExecutionsEmitOneEventEachAndSucceededOnesNone() {
        World world = new World("MULTI");
        String instance = world.install(world.customer, "eu").string("id");
        String environment = world.environment(world.customer, "Production");
        world.attach(world.customer, instance, environment);
        String token = world.runtime(world.customer, environment);

        long before = mark();
        String failed = runNow(world, instance, environment);
        assertEquals(List.of(failed), claimed(token));
        result(token, failed, "FAILED", "exit code 3: the ERP refused the login");
        String succeeded = runNow(world, instance, environment);
        assertEquals(List.of(succeeded), claimed(token));
        result(token, succeeded, "SUCCEEDED", "42 orders shipped");
        String timedOut = runNow(world, instance, environment);
        assertEquals(List.of(timedOut), claimed(token));
        String missed = runNow(world, instance, environment);
        await(
                "the timed-out and the missed run",
                Duration.ofSeconds(60),
                () -> "TIMED_OUT".equals(execution(world, timedOut).string("status"))
                        && "MISSED".equals(execution(world, missed).string("status")));

        List<Event> events = eventsSince(world.partner, before);
        assertEquals(List.of("execution.failed", "execution.failed", "execution.failed"), types(events));
        Map<String, Event> byExecution = new HashMap<>();
        events.forEach(event -> byExecution.put((String) event.data().get("executionId"), event));
        assertEquals(Set.of(failed, timedOut, missed), byExecution.keySet());
        for (String id : List.of(failed, timedOut, missed)) {
            ApiResponse shown = execution(world, id);
            Event event = byExecution.get(id);
            assertEquals(world.partner, event.partner());
            assertEquals(world.customer, event.managed());
            assertEquals(
                    obj(
                            "executionId",
                            id,
                            "accountId",
                            world.customer.toString(),
                            "integrationPackInstanceId",
                            instance,
                            "componentId",
                            world.component.toString(),
                            "componentName",
                            "Ship orders",
                            "environmentId",
                            environment,
                            "status",
                            shown.string("status"),
                            "attempt",
                            1,
                            "maxRetries",
                            0,
                            "message",
                            shown.string("message"),
                            "scheduledFor",
                            shown.string("scheduledFor"),
                            "finishedAt",
                            shown.string("finishedAt")),
                    event.data());
            assertNotNull(event.data().get("finishedAt"));
            assertNotNull(event.data().get("message"));
        }
        assertEquals("FAILED", byExecution.get(failed).data().get("status"));
        assertEquals(
                "exit code 3: the ERP refused the login",
                byExecution.get(failed).data().get("message"));
    }

    private String runNow(World world, String instance, String environment) {
        ApiResponse queued = api.post(
                "/api/v1/integration-pack-instances/" + instance + "/executions",
                Tokens.account(world.customer),
                obj("componentId", world.component, "environmentId", environment));
        assertEquals(202, queued.status(), queued::toString);
        return queued.string("id");
    }

    @SuppressWarnings("unchecked")
    private List<Object> claimed(String token) {
        ApiResponse claimed = api.post("/api/v1/runtime/executions/claim", token, obj("max", 5, "waitSeconds", 0));
        assertEquals(200, claimed.status(), claimed::toString);
        return ((List<Map<String, Object>>) claimed.get("executions"))
                .stream().map(execution -> execution.get("id")).toList();
    }

    private void result(String token, String execution, String status, String message) {
        Instant finished = Instant.now();
        assertEquals(
                204,
                api.post(
                                "/api/v1/runtime/executions/" + execution + "/result",
                                token,
                                obj(
                                        "status",
                                        status,
                                        "startedAt",
                                        finished.minusSeconds(2).toString(),
                                        "finishedAt",
                                        finished.toString(),
                                        "message",
                                        message))
                        .status());
    }

    private ApiResponse execution(World world, String id) {
        ApiResponse shown = api.get("/api/v1/executions/" + id, Tokens.account(world.customer));
        assertEquals(200, shown.status(), shown::toString);
        return shown;
    }

    // --- what must not emit ---

    @Test
    void aChangeThatRollsBackWritesNoEventAndNotifiesNobody() throws SQLException {
        World world = new World("MULTI");
        world.install(world.customer, "eu");
        // the deletion marks the pack deleted (its event is written), then removes the pack from its
        // group: the test makes that statement fail as a cancelled one does, and the transaction rolls back
        fixtures.exec("""
                CREATE FUNCTION webhook_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'query_canceled';
                END $$""");
        fixtures.exec("CREATE TRIGGER webhook_test_refuse BEFORE DELETE ON account_group_packs FOR EACH ROW"
                + " WHEN (OLD.integration_pack_id = '" + world.pack + "') EXECUTE FUNCTION webhook_test_refuse()");
        long before = mark();
        try (Connection listener = listening()) {
            try {
                assertProblem(
                        503, api.delete("/api/v1/integration-packs/" + world.pack, Tokens.account(world.partner)));
            } finally {
                fixtures.exec("DROP TRIGGER webhook_test_refuse ON account_group_packs");
                fixtures.exec("DROP FUNCTION webhook_test_refuse()");
            }

            assertEquals(List.of(), eventsSince(world.partner, before));
            assertEquals(List.of(), notifications(listener, Duration.ofSeconds(1)));
            assertEquals(
                    200,
                    api.get("/api/v1/integration-packs/" + world.pack, Tokens.account(world.partner))
                            .status());

            assertEquals(
                    204,
                    api.delete("/api/v1/integration-packs/" + world.pack, Tokens.account(world.partner))
                            .status());
            assertEquals(List.of("integration_pack.deleted"), types(eventsSince(world.partner, before)));
            assertEquals(List.of(NotificationChannel.OUTBOX_KEY), notifications(listener, Duration.ofSeconds(5)));
        }
    }

    @Test
    void anUpsertThatChangesAnOutcomeEmitsFromTheUpdatedRowsAndOneThatChangesNothingEmitsNothing() {
        // no api path updates a ledger row yet (retrying failed instances will): the statement is
        // the upsert such a path would run, on a FAILED row that a real release recorded
        World world = new World("MULTI");
        String instance = world.install(world.customer, "eu").string("id");
        fixtures.pkg(
                world.partner,
                world.component,
                "2.0",
                true,
                CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));
        String second = world.release(obj("releaseSchedule", "IMMEDIATELY"));
        awaitStatus(world.partner, second, "RELEASED");
        String upsert = """
                INSERT INTO release_instances (release_id, integration_pack_instance_id, account_id, status, mode,
                                               applied_at, failure_reason, recorded_at)
                VALUES (?::uuid, ?::uuid, ?::uuid, 'APPLIED', 'AUTOMATIC', now(), NULL, now())
                ON CONFLICT (release_id, integration_pack_instance_id) DO UPDATE
                    SET status = EXCLUDED.status, mode = EXCLUDED.mode, applied_at = EXCLUDED.applied_at,
                        failure_reason = EXCLUDED.failure_reason""";

        long before = mark();
        fixtures.exec(upsert, second, instance, world.customer);
        List<Event> events = eventsSince(world.partner, before);
        assertEquals(List.of("instances.updated"), types(events));
        assertEquals(
                obj(
                        "releaseId",
                        second,
                        "integrationPackId",
                        world.pack.toString(),
                        "releaseNumber",
                        2,
                        "instances",
                        List.of(obj(
                                "integrationPackInstanceId",
                                instance,
                                "accountId",
                                world.customer.toString(),
                                "status",
                                "APPLIED",
                                "mode",
                                "AUTOMATIC"))),
                events.get(0).data());

        long again = mark();
        fixtures.exec(upsert, second, instance, world.customer);
        assertEquals(List.of(), eventsSince(world.partner, again), "the outcome did not change");
    }

    // --- release control ---

    /**
     * A reschedule, a cancel (its manual apply put back), and a staged release paused in its soak,
     * resumed and aborted (what it applied put back): each emits its event with its reason, and a
     * put-back instance is an {@code instances.updated} entry with status {@code REVERTED}.
     */
    @Test
    void releaseControlEmitsRescheduledCancelledPausedResumedAndAborted() {
        World world = new World("SINGLE");
        String mine = installSingle(world, world.customer);
        fixtures.pkg(world.partner, world.component, "2.0", true);
        ZoneId zone = ZoneId.of("Europe/Berlin");

        long before = mark();
        String scheduled = world.release(obj(
                "releaseSchedule",
                "RELEASE_ON_SPECIFIED_DATE",
                "releaseOnDate",
                LocalDate.now(zone).plusDays(5).toString()));
        ApiResponse moved = api.patch(
                "/api/v1/releases/" + scheduled,
                Tokens.account(world.partner),
                obj("releaseOnDate", LocalDate.now(zone).plusDays(8).toString()));
        assertEquals(200, moved.status(), moved::toString);
        ApiResponse applied = api.raw(
                "POST",
                "/api/v1/integration-pack-instances/" + mine + "/apply-pending-update",
                Tokens.account(world.customer),
                null,
                "");
        assertEquals(200, applied.status(), applied::toString);
        ApiResponse cancelled = api.post(
                "/api/v1/releases/" + scheduled + "/cancel", Tokens.account(world.partner), obj("reason", "not yet"));
        assertEquals(200, cancelled.status(), cancelled::toString);
        await(
                "the manual apply is put back",
                Duration.ofSeconds(30),
                () -> eventsSince(world.partner, before).size() == 5);
        List<Event> events = eventsSince(world.partner, before);
        assertEquals(
                List.of(
                        "release.created",
                        "release.rescheduled",
                        "instances.updated",
                        "release.cancelled",
                        "instances.updated"),
                types(events));
        assertEquals(
                LocalDate.now(zone).plusDays(5).toString(), events.get(1).data().get("previousReleaseOnDate"));
        assertEquals(moved.string("windowStart"), events.get(1).data().get("windowStart"));
        assertEquals("not yet", events.get(3).data().get("reason"));
        assertEquals(
                List.of(obj(
                        "integrationPackInstanceId",
                        mine,
                        "accountId",
                        world.customer.toString(),
                        "status",
                        "REVERTED",
                        "mode",
                        "MANUAL")),
                events.get(4).data().get("instances"));

        String group = fixtures.column(
                        "SELECT account_group_id::text FROM account_group_packs WHERE integration_pack_id = '"
                                + world.pack + "'")
                .get(0);
        long staging = mark();
        String staged = world.release(obj(
                "releaseSchedule",
                "IMMEDIATELY",
                "rollout",
                obj("waves", List.of(obj("accountGroupId", group), obj("percent", 100)), "soakMinutes", 60)));
        awaitRelease(
                world.partner,
                staged,
                r -> "SOAKING"
                        .equals(((Map<?, ?>) ((List<?>) ((Map<?, ?>) r.get("rollout")).get("waves")).get(0))
                                .get("state")));
        for (String action : List.of("pause", "resume", "abort")) {
            ApiResponse done = api.post(
                    "/api/v1/releases/" + staged + "/" + action,
                    Tokens.account(world.partner),
                    obj("reason", "the partner's " + action));
            assertEquals(200, done.status(), done::toString);
        }
        await(
                "the abort is put back",
                Duration.ofSeconds(30),
                () -> eventsSince(world.partner, staging).size() == 7);
        List<Event> control = eventsSince(world.partner, staging);
        assertEquals(
                List.of(
                        "release.created",
                        "release.started",
                        "instances.updated",
                        "release.paused",
                        "release.resumed",
                        "release.aborted",
                        "instances.updated"),
                types(control));
        assertEquals("the partner's pause", control.get(3).data().get("reason"));
        assertEquals("PAUSED", control.get(3).data().get("status"));
        assertEquals("IN_PROGRESS", control.get(4).data().get("status"));
        assertEquals("the partner's abort", control.get(5).data().get("reason"));
        assertEquals(
                List.of(obj(
                        "integrationPackInstanceId",
                        mine,
                        "accountId",
                        world.customer.toString(),
                        "status",
                        "REVERTED",
                        "mode",
                        "IMMEDIATE")),
                control.get(6).data().get("instances"));
    }

    // --- time zones ---

    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    /**
     * The fixed offset, between -12:00 and +14:00 in whole minutes, whose next local midnight is at
     * least {@code from} and less than {@code from} + 60 s after {@code now}.
     */
    private static ZoneOffset offsetWithMidnightIn(Instant now, Duration from) {
        for (int minutes = -12 * 60; minutes <= 14 * 60; minutes++) {
            long local = now.toEpochMilli() + minutes * 60_000L;
            long untilMidnight = DAY_MILLIS - Math.floorMod(local, DAY_MILLIS);
            if (untilMidnight >= from.toMillis() && untilMidnight < from.toMillis() + 60_000) {
                return ZoneOffset.ofTotalSeconds(minutes * 60);
            }
        }
        throw new IllegalStateException("no offset puts midnight " + from + " after " + now);
    }

    /** {@code ±HH:MM}, as the API takes fixed offsets. */
    private static String timeZone(ZoneOffset offset) {
        int minutes = Math.abs(offset.getTotalSeconds()) / 60;
        return String.format("%s%02d:%02d", offset.getTotalSeconds() < 0 ? "-" : "+", minutes / 60, minutes % 60);
    }
}
