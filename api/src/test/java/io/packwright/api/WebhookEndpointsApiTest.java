package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.webhook.FakeDns;
import io.packwright.activities.webhook.WebhookEventTypes;
import io.packwright.activities.webhook.WebhookSecrets;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import io.packwright.workflows.webhook.WebhookEndpointWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Webhook endpoints over real HTTP and PostgreSQL, with host names resolved by a {@link FakeDns}
 * (no DNS, no connection anywhere): registration with its secret once and stored encrypted,
 * reads, changes, deletion, rotation, validation with nothing written, the address policy at
 * registration and on change, the per-account limit, the tenant matrix, test events and
 * redeliveries as rows (the delivery workflow is woken; nothing delivers in this test), and the
 * delivery log with its filter and paging.
 */
class WebhookEndpointsApiTest extends ApiTestBase {

    private static final String ENDPOINTS = "/api/v1/webhook-endpoints";
    private static final String URL = "https://hooks.partner.test/packwright";

    private final String namespace = "webhook-api-test-" + UUID.randomUUID();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @Inject
    ApplicationContext context;

    @Inject
    FakeDns dns;

    @Inject
    SecretCipher cipher;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        // its own namespace: no worker anywhere runs the endpoint workflows this test wakes
        properties.put("temporal.namespace", namespace);
        return properties;
    }

    @BeforeAll
    void resolveNamesWithoutDns() {
        dns.register("hooks.partner.test", "93.184.216.34")
                .register("other.partner.test", "2606:2800:220:1:248:1893:25c8:1946")
                .register("internal.partner.test", "10.0.0.5")
                .register("mixed.partner.test", "93.184.216.34", "172.16.4.2");
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterAll
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    /** Two partners, each with a managed account. */
    private final class World {
        final UUID partner = createPartner("Webhook partner " + UUID.randomUUID(), false, false);
        final UUID customer = createManaged(partner, "Webhook customer");
        final UUID otherPartner = createPartner("Other webhook partner " + UUID.randomUUID(), false, false);
        final UUID otherCustomer = createManaged(otherPartner, "Other webhook customer");
    }

    private ApiResponse create(UUID account, Object body) {
        return api.post(ENDPOINTS, Tokens.account(account), body);
    }

    private ApiResponse createOk(UUID account, Object body) {
        ApiResponse created = create(account, body);
        assertEquals(201, created.status(), created::toString);
        return created;
    }

    private String endpoint(UUID account, String... eventTypes) {
        return createOk(account, obj("url", URL, "eventTypes", List.of(eventTypes)))
                .string("id");
    }

    private static String path(String endpointId) {
        return ENDPOINTS + "/" + endpointId;
    }

    private ApiResponse testEvent(UUID account, String endpointId) {
        ApiResponse queued = api.post(path(endpointId) + "/test", Tokens.account(account), "");
        assertEquals(202, queued.status(), queued::toString);
        return queued;
    }

    private long endpoints() {
        return count("SELECT count(*) FROM webhook_endpoints");
    }

    /** One row of a query, by column name. */
    private Map<String, Object> row(String sql, Object... parameters) {
        List<Map<String, Object>> rows = rows(sql, parameters);
        assertEquals(1, rows.size(), () -> sql + ": " + rows);
        return rows.get(0);
    }

    private List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= result.getMetaData().getColumnCount(); c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private void execute(String sql, Object... parameters) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** How many times the endpoint's delivery workflow was signalled that it has something to send. */
    private long wakes(String endpointId) {
        WorkflowClient client = context.getBean(WorkflowClient.class);
        try {
            return client
                    .fetchHistory(WebhookEndpointWorkflow.workflowId(UUID.fromString(endpointId)))
                    .getEvents()
                    .stream()
                    .filter(event -> event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                    .count();
        } catch (RuntimeException notStarted) {
            return 0;
        }
    }

    private static void assertAboutNow(Instant instant, Duration within) {
        Duration off = Duration.between(Instant.now(), instant).abs();
        assertTrue(off.compareTo(within) <= 0, () -> instant + " is " + off + " away from now");
    }

    private static Instant instant(Object timestamp) {
        return ((Timestamp) timestamp).toInstant();
    }

    /** Records an attempt of a delivery, as the sender would. */
    private void attempt(String deliveryId, int attempt, Integer statusCode, String response, String error) {
        execute(
                "INSERT INTO webhook_attempts (id, delivery_id, attempt, attempted_at, status_code, latency_ms,"
                        + " response, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID(),
                UUID.fromString(deliveryId),
                attempt,
                Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(attempt)),
                statusCode,
                10 * attempt,
                response,
                error);
        execute(
                "UPDATE webhook_deliveries SET attempts = greatest(attempts, ?) WHERE id = ?",
                attempt,
                UUID.fromString(deliveryId));
    }

    /** Finishes a delivery as the sender would. */
    private void finish(String deliveryId, String status) {
        execute(
                "UPDATE webhook_deliveries SET status = ?, next_attempt_at = NULL, finished_at = now() WHERE id = ?",
                status,
                UUID.fromString(deliveryId));
    }

    @Test
    void anEndpointIsRegisteredWithItsSecretOnceReadListedChangedAndDeleted() {
        World world = new World();
        ApiResponse created = createOk(
                world.partner,
                obj(
                        "url",
                        URL,
                        "description",
                        "Release notifications",
                        "eventTypes",
                        List.of("release.completed", "release.created", "release.completed")));
        String id = created.string("id");
        assertEquals(path(id), created.headers().firstValue("Location").orElse(null));
        assertEquals(URL, created.string("url"));
        assertEquals("Release notifications", created.string("description"));
        // duplicates dropped, in the catalogue's order
        assertEquals(List.of("release.created", "release.completed"), created.get("eventTypes"));
        assertEquals(true, created.get("enabled"));
        assertNull(created.get("disabledReason"));
        assertNull(created.get("previousSecretExpiresAt"));
        assertAboutNow(Instant.parse(created.string("createdAt")), Duration.ofMinutes(1));
        String secret = created.string("secret");
        assertTrue(secret.startsWith("whsec_"), secret);
        assertEquals(32, Base64.getDecoder().decode(secret.substring("whsec_".length())).length, secret);

        // never shown again
        ApiResponse read = api.get(path(id), Tokens.account(world.partner));
        assertEquals(200, read.status(), read::toString);
        assertFalse(read.body().containsKey("secret"), read::toString);
        assertFalse(read.raw().contains(secret.substring(6)), read::toString);
        assertEquals(created.get("eventTypes"), read.get("eventTypes"));
        assertEquals(created.string("createdAt"), read.string("createdAt"));
        ApiResponse listed = api.get(ENDPOINTS, Tokens.account(world.partner));
        assertEquals(200, listed.status(), listed::toString);
        assertEquals(
                List.of(id), listed.items().stream().map(item -> item.get("id")).toList());
        assertFalse(listed.raw().contains(secret.substring(6)), listed::toString);
        assertNull(listed.get("nextPageToken"));

        // stored only encrypted, for the endpoint it belongs to
        Map<String, Object> stored =
                row("SELECT secret, previous_secret FROM webhook_endpoints WHERE id = ?::uuid", id);
        byte[] encrypted = (byte[]) stored.get("secret");
        assertFalse(
                new String(encrypted, StandardCharsets.ISO_8859_1).contains(secret.substring(6)),
                "plain secret stored");
        assertFalse(new String(encrypted, StandardCharsets.ISO_8859_1).contains("whsec_"), "plain secret stored");
        assertEquals(secret, cipher.decrypt(WebhookSecrets.owner(UUID.fromString(id)), encrypted));
        assertNull(stored.get("previous_secret"));

        ApiResponse changed = api.patch(
                path(id),
                Tokens.account(world.partner),
                obj("url", "https://other.partner.test/v2", "eventTypes", List.of("*"), "description", ""));
        assertEquals(200, changed.status(), changed::toString);
        assertEquals("https://other.partner.test/v2", changed.string("url"));
        assertEquals(List.of("*"), changed.get("eventTypes"));
        assertNull(changed.get("description"));
        assertFalse(changed.body().containsKey("secret"), changed::toString);
        assertFalse(Instant.parse(changed.string("updatedAt")).isBefore(Instant.parse(changed.string("createdAt"))));
        ApiResponse untouched = api.patch(path(id), Tokens.account(world.partner), obj());
        assertEquals(200, untouched.status(), untouched::toString);
        assertEquals("https://other.partner.test/v2", untouched.string("url"));
        assertEquals(List.of("*"), untouched.get("eventTypes"));
        ApiResponse disabled = api.patch(path(id), Tokens.account(world.partner), obj("enabled", false));
        assertEquals(false, disabled.get("enabled"), disabled::toString);
        assertNull(disabled.get("disabledReason"));
        assertEquals(
                secret,
                cipher.decrypt(WebhookSecrets.owner(UUID.fromString(id)), (byte[])
                        row("SELECT secret FROM webhook_endpoints WHERE id = ?::uuid", id)
                                .get("secret")),
                "a change keeps the secret");

        api.patch(path(id), Tokens.account(world.partner), obj("enabled", true));
        testEvent(world.partner, id);
        assertEquals(1, count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '" + id + "'"));
        ApiResponse deleted = api.delete(path(id), Tokens.account(world.partner));
        assertEquals(204, deleted.status(), deleted::toString);
        assertProblem(404, api.get(path(id), Tokens.account(world.partner)));
        assertProblem(404, api.delete(path(id), Tokens.account(world.partner)));
        assertEquals(0, count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '" + id + "'"));
        assertTrue(api.get(ENDPOINTS, Tokens.account(world.partner)).items().isEmpty());

        for (ILoggingEvent event : logs.list) {
            String logged = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                            ? ""
                            : event.getThrowableProxy().getMessage());
            assertFalse(logged.contains(secret.substring(6)), () -> "secret logged: " + logged);
        }
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheSameEndpointAndSecret() {
        World world = new World();
        Map<String, String> key = Map.of("Idempotency-Key", "register-hook-1");
        Map<String, Object> body = obj("url", URL, "eventTypes", List.of("release.completed"));
        ApiResponse first = api.post(ENDPOINTS, Tokens.account(world.partner), body, key);
        assertEquals(201, first.status(), first::toString);
        ApiResponse retry = api.post(ENDPOINTS, Tokens.account(world.partner), body, key);
        assertEquals(201, retry.status(), retry::toString);
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(first.string("id"), retry.string("id"));
        assertEquals(first.string("secret"), retry.string("secret"));
        assertEquals(1, count("SELECT count(*) FROM webhook_endpoints WHERE account_id = '" + world.partner + "'"));
        assertEquals(
                0,
                count("SELECT count(*) FROM idempotency_keys WHERE response_body LIKE '%"
                        + first.string("secret").substring(6) + "%'"),
                "the stored response is encrypted");
        assertProblem(
                409,
                api.post(
                        ENDPOINTS,
                        Tokens.account(world.partner),
                        obj("url", URL, "eventTypes", List.of("release.created")),
                        key));
        assertEquals(1, count("SELECT count(*) FROM webhook_endpoints WHERE account_id = '" + world.partner + "'"));
    }

    @Test
    void rotationGivesANewSecretAndKeepsThePreviousOneFor24Hours() {
        World world = new World();
        ApiResponse created = createOk(world.partner, obj("url", URL, "eventTypes", List.of("*")));
        String id = created.string("id");
        UUID endpointId = UUID.fromString(id);
        String first = created.string("secret");

        ApiResponse rotated = api.post(path(id) + "/rotate-secret", Tokens.account(world.partner), "");
        assertEquals(200, rotated.status(), rotated::toString);
        String second = rotated.string("secret");
        assertTrue(second.startsWith("whsec_"), second);
        assertNotEquals(first, second);
        assertEquals(id, rotated.string("id"));
        assertEquals(URL, rotated.string("url"));
        Instant expires = Instant.parse(rotated.string("previousSecretExpiresAt"));
        assertAboutNow(expires.minus(Duration.ofHours(24)), Duration.ofMinutes(1));
        Map<String, Object> stored = row(
                "SELECT secret, previous_secret, previous_secret_expires_at FROM webhook_endpoints WHERE id = ?",
                endpointId);
        assertEquals(second, cipher.decrypt(WebhookSecrets.owner(endpointId), (byte[]) stored.get("secret")));
        assertEquals(first, cipher.decrypt(WebhookSecrets.owner(endpointId), (byte[]) stored.get("previous_secret")));
        assertEquals(expires, instant(stored.get("previous_secret_expires_at")));

        ApiResponse read = api.get(path(id), Tokens.account(world.partner));
        assertFalse(read.body().containsKey("secret"), read::toString);
        assertFalse(read.raw().contains(second.substring(6)) || read.raw().contains(first.substring(6)));
        assertEquals(rotated.string("previousSecretExpiresAt"), read.string("previousSecretExpiresAt"));

        // a second rotation within the 24 hours: the secret it replaces is the previous one now
        ApiResponse again = api.post(path(id) + "/rotate-secret", Tokens.account(world.partner), "");
        assertEquals(200, again.status(), again::toString);
        String third = again.string("secret");
        assertNotEquals(second, third);
        Map<String, Object> after = row(
                "SELECT secret, previous_secret, previous_secret_expires_at FROM webhook_endpoints WHERE id = ?",
                endpointId);
        assertEquals(third, cipher.decrypt(WebhookSecrets.owner(endpointId), (byte[]) after.get("secret")));
        assertEquals(second, cipher.decrypt(WebhookSecrets.owner(endpointId), (byte[]) after.get("previous_secret")));
        assertFalse(instant(after.get("previous_secret_expires_at")).isBefore(expires));

        // an expired previous secret is not shown as signing
        execute(
                "UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 minute' WHERE id = ?",
                endpointId);
        assertNull(api.get(path(id), Tokens.account(world.partner)).get("previousSecretExpiresAt"));
        assertProblem(
                404,
                api.post(ENDPOINTS + "/" + UUID.randomUUID() + "/rotate-secret", Tokens.account(world.partner), ""));
    }

    @Test
    void invalidRegistrationsAreRefusedWithWhatToChangeAndWriteNothing() {
        World world = new World();
        long before = endpoints();
        String token = Tokens.account(world.partner);

        assertFieldError(assertProblem(400, create(world.partner, obj("eventTypes", List.of("*")))), "url");
        assertFieldError(assertProblem(400, create(world.partner, obj("url", URL))), "eventTypes");
        ApiResponse empty = assertProblem(400, create(world.partner, obj("url", URL, "eventTypes", List.of())));
        assertFieldError(empty, "eventTypes");
        assertTrue(empty.string("detail").contains("release.completed"), empty::toString);
        ApiResponse wildcardAndMore = assertProblem(
                400, create(world.partner, obj("url", URL, "eventTypes", List.of("*", "release.completed"))));
        assertTrue(wildcardAndMore.string("detail").contains("\"*\""), wildcardAndMore::toString);
        List<String> nullInside = new ArrayList<>();
        nullInside.add("release.completed");
        nullInside.add(null);
        assertFieldError(
                assertProblem(400, create(world.partner, obj("url", URL, "eventTypes", nullInside))), "eventTypes");

        List<String> unknown = new ArrayList<>(List.of("release.completed"));
        for (int i = 1; i <= 12; i++) {
            unknown.add(String.format("made.up%02d", i));
        }
        ApiResponse unknownTypes = assertProblem(400, create(world.partner, obj("url", URL, "eventTypes", unknown)));
        assertFieldError(unknownTypes, "eventTypes");
        assertNamesTenKeysAndCountsTheRest(unknownTypes.string("detail"), "made.up", 12);
        assertFalse(unknownTypes.string("detail").contains("'release.completed'"), unknownTypes::toString);
        ApiResponse test = assertProblem(
                400, create(world.partner, obj("url", URL, "eventTypes", List.of(WebhookEventTypes.WEBHOOK_TEST))));
        assertTrue(test.string("detail").contains("/test"), test::toString);
        assertProblem(400, create(world.partner, obj("url", URL, "eventTypes", List.of("RELEASE.COMPLETED"))));

        assertFieldError(
                assertProblem(
                        400,
                        create(
                                world.partner,
                                obj("url", URL, "eventTypes", List.of("*"), "description", "x".repeat(501)))),
                "description");
        assertFieldError(
                assertProblem(
                        400,
                        create(
                                world.partner,
                                obj("url", URL, "eventTypes", List.of("*"), "description", "bell\u0007"))),
                "description");
        assertFieldError(
                assertProblem(
                        400,
                        create(
                                world.partner,
                                obj(
                                        "url",
                                        "https://hooks.partner.test/" + "p".repeat(2000),
                                        "eventTypes",
                                        List.of("*")))),
                "url");
        assertProblem(400, api.raw("POST", ENDPOINTS, token, "application/json", "{\"url\": "));
        assertProblem(
                400, api.raw("POST", ENDPOINTS, token, "application/json", "{\"url\": 5, \"eventTypes\": [\"*\"]}"));
        assertProblem(
                400,
                api.raw(
                        "POST",
                        ENDPOINTS,
                        token,
                        "application/json",
                        "{\"url\": \"" + URL + "\", \"eventTypes\": \"*\"}"));

        // a managed account receives only the events about itself
        ApiResponse partnerOnly = assertProblem(
                400,
                create(
                        world.customer,
                        obj("url", URL, "eventTypes", List.of("instance.installed", "release.created"))));
        assertFieldError(partnerOnly, "eventTypes");
        assertTrue(partnerOnly.string("detail").contains("'release.created'"), partnerOnly::toString);
        assertTrue(partnerOnly.string("detail").contains("execution.failed"), partnerOnly::toString);
        assertEquals(before, endpoints(), "a refused registration writes nothing");

        ApiResponse managed = createOk(
                world.customer,
                obj("url", URL, "eventTypes", List.of("execution.failed", "instances.updated", "execution.failed")));
        assertEquals(List.of("instances.updated", "execution.failed"), managed.get("eventTypes"));
        assertEquals(
                List.of("*"),
                createOk(world.customer, obj("url", URL, "eventTypes", List.of("*")))
                        .get("eventTypes"));

        // a refused change changes nothing
        String id = managed.string("id");
        String customer = Tokens.account(world.customer);
        assertProblem(400, api.patch(path(id), customer, obj("eventTypes", List.of("release.aborted"))));
        assertProblem(400, api.patch(path(id), customer, obj("eventTypes", List.of())));
        assertProblem(400, api.patch(path(id), customer, obj("url", "http://hooks.partner.test/x")));
        assertProblem(400, api.patch(path(id), customer, obj("description", "d".repeat(501))));
        assertProblem(400, api.raw("PATCH", path(id), customer, "application/json", "{\"enabled\": \"yes\"}"));
        assertProblem(400, api.patch(path("not-a-uuid"), customer, obj()));
        ApiResponse unchanged = api.get(path(id), customer);
        assertEquals(managed.get("eventTypes"), unchanged.get("eventTypes"));
        assertEquals(URL, unchanged.string("url"));
        assertEquals(true, unchanged.get("enabled"));
        assertEquals(managed.string("updatedAt"), unchanged.string("updatedAt"));
    }

    @Test
    void addressesThatWebhooksMustNotReachAreRefusedAtRegistrationWithoutAnyLookup() {
        World world = new World();
        long before = endpoints();
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("http://127.0.0.1/hooks", "a loopback address");
        refusals.put("https://127.0.0.1/hooks", "a loopback address");
        refusals.put("https://10.0.0.1/hooks", "10.0.0.1, a private address");
        refusals.put("https://169.254.169.254/latest/meta-data", "169.254.169.254, a cloud metadata address");
        refusals.put("https://[::1]/hooks", "a loopback address");
        refusals.put("https://[fd00:ec2::254]/hooks", "a cloud metadata address");
        refusals.put("https://[::ffff:10.0.0.1]/hooks", "a private address");
        refusals.put("https://internal.partner.test/hooks", "10.0.0.5, a private address");
        refusals.put("https://mixed.partner.test/hooks", "172.16.4.2, a private address");
        refusals.put("https://unregistered.partner.test/hooks", "does not resolve");
        refusals.put("http://hooks.partner.test/hooks", "must use https");
        refusals.put("ftp://hooks.partner.test/hooks", "must use https");
        refusals.put("hooks.partner.test/hooks", "absolute https URL");
        refusals.put("https://user:pw@hooks.partner.test/hooks", "user name or password");
        refusals.forEach((url, reason) -> {
            ApiResponse refused =
                    assertProblem(400, create(world.partner, obj("url", url, "eventTypes", List.of("*"))));
            assertFieldError(refused, "url");
            assertTrue(refused.string("detail").contains(reason), () -> url + ": " + refused);
        });
        assertEquals(before, endpoints(), "nothing registered");

        ApiResponse allowed = createOk(world.partner, obj("url", URL, "eventTypes", List.of("*")));
        createOk(world.partner, obj("url", "https://other.partner.test:8443/hooks", "eventTypes", List.of("*")));
        createOk(world.partner, obj("url", "https://93.184.216.34/hooks", "eventTypes", List.of("*")));

        String id = allowed.string("id");
        ApiResponse moved =
                api.patch(path(id), Tokens.account(world.partner), obj("url", "https://internal.partner.test/hooks"));
        assertProblem(400, moved);
        assertTrue(moved.string("detail").contains("10.0.0.5"), moved::toString);
        assertEquals(URL, api.get(path(id), Tokens.account(world.partner)).string("url"));
    }

    @Test
    void anAccountHasAtMostTwentyEndpoints() {
        World world = new World();
        for (int i = 0; i < 20; i++) {
            createOk(world.partner, obj("url", URL + "/" + i, "eventTypes", List.of("*")));
        }
        ApiResponse full = assertProblem(409, create(world.partner, obj("url", URL, "eventTypes", List.of("*"))));
        assertTrue(full.string("detail").contains("20"), full::toString);
        assertEquals(20, count("SELECT count(*) FROM webhook_endpoints WHERE account_id = '" + world.partner + "'"));
        assertEquals(20, listAll(ENDPOINTS, Tokens.account(world.partner), 7).size());
        // the limit is per account: the partner's managed account has its own
        createOk(world.customer, obj("url", URL, "eventTypes", List.of("*")));
        String first = api.get(ENDPOINTS + "?limit=1", Tokens.account(world.partner))
                .items()
                .get(0)
                .get("id")
                .toString();
        assertEquals(204, api.delete(path(first), Tokens.account(world.partner)).status());
        createOk(world.partner, obj("url", URL, "eventTypes", List.of("*")));
        assertProblem(400, api.get(ENDPOINTS + "?limit=501", Tokens.account(world.partner)));
        assertProblem(400, api.get(ENDPOINTS + "?pageToken=nonsense", Tokens.account(world.partner)));
    }

    @Test
    void eachAccountSeesOnlyItsOwnEndpointsAndOperatorsAndRuntimesNone() {
        World world = new World();
        String partnerEndpoint = endpoint(world.partner, "*");
        String customerEndpoint = endpoint(world.customer, "*");
        String otherEndpoint = endpoint(world.otherPartner, "*");
        String delivery = testEvent(world.partner, partnerEndpoint).string("deliveryId");
        String customerDelivery = testEvent(world.customer, customerEndpoint).string("deliveryId");

        // another partner, another partner's managed account, the partner's own managed account on the
        // partner's endpoint, the partner on its managed account's endpoint: all 404
        Map<UUID, String> strangers = new LinkedHashMap<>();
        strangers.put(world.otherPartner, partnerEndpoint);
        strangers.put(world.otherCustomer, partnerEndpoint);
        strangers.put(world.customer, partnerEndpoint);
        strangers.put(world.partner, customerEndpoint);
        strangers.forEach((account, endpointId) -> {
            String token = Tokens.account(account);
            assertProblem(404, api.get(path(endpointId), token));
            assertProblem(404, api.patch(path(endpointId), token, obj("enabled", false)));
            assertProblem(404, api.post(path(endpointId) + "/rotate-secret", token, ""));
            assertProblem(404, api.post(path(endpointId) + "/test", token, ""));
            assertProblem(404, api.get(path(endpointId) + "/deliveries", token));
            assertProblem(404, api.delete(path(endpointId), token));
        });
        for (UUID account : List.of(world.otherPartner, world.otherCustomer, world.customer)) {
            assertProblem(404, api.get("/api/v1/webhook-deliveries/" + delivery, Tokens.account(account)));
            assertProblem(
                    404,
                    api.post("/api/v1/webhook-deliveries/" + delivery + "/redeliver", Tokens.account(account), ""));
        }
        assertProblem(404, api.get("/api/v1/webhook-deliveries/" + customerDelivery, Tokens.account(world.partner)));
        assertEquals(
                List.of(partnerEndpoint),
                api.get(ENDPOINTS, Tokens.account(world.partner)).items().stream()
                        .map(item -> item.get("id"))
                        .toList());
        assertEquals(
                List.of(customerEndpoint),
                api.get(ENDPOINTS, Tokens.account(world.customer)).items().stream()
                        .map(item -> item.get("id"))
                        .toList());
        assertEquals(
                List.of(otherEndpoint),
                api.get(ENDPOINTS, Tokens.account(world.otherPartner)).items().stream()
                        .map(item -> item.get("id"))
                        .toList());
        assertTrue(
                api.get(ENDPOINTS, Tokens.account(world.otherCustomer)).items().isEmpty());

        // platform operators have no endpoints
        String admin = Tokens.admin();
        List<ApiResponse> asOperator = List.of(
                api.post(ENDPOINTS, admin, obj("url", URL, "eventTypes", List.of("*"))),
                api.get(ENDPOINTS, admin),
                api.get(path(partnerEndpoint), admin),
                api.patch(path(partnerEndpoint), admin, obj("enabled", false)),
                api.delete(path(partnerEndpoint), admin),
                api.post(path(partnerEndpoint) + "/rotate-secret", admin, ""),
                api.post(path(partnerEndpoint) + "/test", admin, ""),
                api.get(path(partnerEndpoint) + "/deliveries", admin),
                api.get("/api/v1/webhook-deliveries/" + delivery, admin),
                api.post("/api/v1/webhook-deliveries/" + delivery + "/redeliver", admin, ""));
        for (ApiResponse refused : asOperator) {
            assertProblem(403, refused);
            assertTrue(
                    refused.string("detail").contains("Platform operators have no webhook endpoints"),
                    refused::toString);
        }

        // runtimes call only the runtime protocol
        ApiResponse environment = api.post(
                "/api/v1/environments", Tokens.account(world.customer), obj("name", "Prod", "classification", "PROD"));
        assertEquals(201, environment.status(), environment::toString);
        ApiResponse runtime = api.post(
                "/api/v1/environments/" + environment.string("id") + "/runtimes",
                Tokens.account(world.customer),
                obj("name", "atom"));
        assertEquals(201, runtime.status(), runtime::toString);
        String runtimeToken = runtime.string("token");
        assertProblem(403, api.get(ENDPOINTS, runtimeToken));
        assertProblem(403, api.get(path(customerEndpoint), runtimeToken));
        assertProblem(403, api.post(ENDPOINTS, runtimeToken, obj("url", URL, "eventTypes", List.of("*"))));
        assertProblem(403, api.get("/api/v1/webhook-deliveries/" + customerDelivery, runtimeToken));
        assertProblem(401, api.get(ENDPOINTS, null));

        // nothing changed for the owners
        assertEquals(
                true,
                api.get(path(partnerEndpoint), Tokens.account(world.partner)).get("enabled"));
        String accounts = "('" + world.partner + "', '" + world.customer + "', '" + world.otherPartner + "', '"
                + world.otherCustomer + "')";
        assertEquals(3, count("SELECT count(*) FROM webhook_endpoints WHERE account_id IN " + accounts));
        assertEquals(
                2,
                count("SELECT count(*) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id"
                        + " WHERE e.account_id IN " + accounts));
    }

    @Test
    void aTestEventIsRecordedForTheEndpointOnlyWithItsDeliveryAndWakesItsWorkflow() {
        World world = new World();
        String id = endpoint(world.partner, "release.completed");
        long nextSequence = count("SELECT next_sequence FROM webhook_endpoints WHERE id = '" + id + "'");

        ApiResponse queued = testEvent(world.partner, id);
        String deliveryId = queued.string("deliveryId");
        String eventId = queued.string("eventId");
        assertEquals(
                "/api/v1/webhook-deliveries/" + deliveryId,
                queued.headers().firstValue("Location").orElse(null));
        Map<String, Object> event = row(
                "SELECT type, partner_account_id, managed_account_id, data::text AS data, dispatched, created_at"
                        + " FROM webhook_events WHERE id = ?",
                UUID.fromString(eventId));
        assertEquals(WebhookEventTypes.WEBHOOK_TEST, event.get("type"));
        assertEquals(world.partner, event.get("partner_account_id"));
        assertNull(event.get("managed_account_id"));
        assertEquals(true, event.get("dispatched"), "for this endpoint only: the dispatcher has nothing to do");
        assertAboutNow(instant(event.get("created_at")), Duration.ofMinutes(1));
        Map<String, Object> data = readJson((String) event.get("data"));
        assertEquals(id, data.get("endpointId"));
        assertTrue(data.get("message") instanceof String message && message.contains("test"), data::toString);

        Map<String, Object> delivery = row(
                "SELECT endpoint_id, event_id, sequence, data::text AS data, status, attempts, next_attempt_at,"
                        + " finished_at FROM webhook_deliveries WHERE id = ?",
                UUID.fromString(deliveryId));
        assertEquals(UUID.fromString(id), delivery.get("endpoint_id"));
        assertEquals(UUID.fromString(eventId), delivery.get("event_id"));
        assertEquals(nextSequence, ((Number) delivery.get("sequence")).longValue());
        assertEquals(data, readJson((String) delivery.get("data")));
        assertEquals("PENDING", delivery.get("status"));
        assertEquals(0, delivery.get("attempts"));
        assertAboutNow(instant(delivery.get("next_attempt_at")), Duration.ofMinutes(1));
        assertNull(delivery.get("finished_at"));
        assertEquals(nextSequence + 1, count("SELECT next_sequence FROM webhook_endpoints WHERE id = '" + id + "'"));
        assertEquals(1, wakes(id), "the endpoint's workflow is signalled after the commit");

        ApiResponse second = testEvent(world.partner, id);
        assertEquals(
                nextSequence + 1,
                count("SELECT sequence FROM webhook_deliveries WHERE id = '" + second.string("deliveryId") + "'"));
        assertEquals(2, wakes(id));

        // a retry with the same Idempotency-Key sends nothing more
        Map<String, String> key = Map.of("Idempotency-Key", "test-" + id);
        ApiResponse keyed = api.post(path(id) + "/test", Tokens.account(world.partner), "", key);
        assertEquals(202, keyed.status(), keyed::toString);
        ApiResponse replayed = api.post(path(id) + "/test", Tokens.account(world.partner), "", key);
        assertEquals(202, replayed.status(), replayed::toString);
        assertEquals(keyed.string("deliveryId"), replayed.string("deliveryId"));
        assertEquals(3, count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '" + id + "'"));
        assertEquals(
                3,
                count("SELECT count(*) FROM webhook_events WHERE type = 'webhook.test'" + " AND data->>'endpointId' = '"
                        + id + "'"));

        // a managed account's test event concerns it and its partner's tenant
        String customerEndpoint = endpoint(world.customer, "*");
        ApiResponse customerTest = testEvent(world.customer, customerEndpoint);
        Map<String, Object> customerEvent = row(
                "SELECT partner_account_id, managed_account_id FROM webhook_events WHERE id = ?",
                UUID.fromString(customerTest.string("eventId")));
        assertEquals(world.partner, customerEvent.get("partner_account_id"));
        assertEquals(world.customer, customerEvent.get("managed_account_id"));
        assertEquals(1, wakes(customerEndpoint));

        // a disabled endpoint takes no test event
        api.patch(path(id), Tokens.account(world.partner), obj("enabled", false));
        long events = count("SELECT count(*) FROM webhook_events");
        long deliveries = count("SELECT count(*) FROM webhook_deliveries");
        ApiResponse refused = assertProblem(409, api.post(path(id) + "/test", Tokens.account(world.partner), ""));
        assertTrue(refused.string("detail").contains("\"enabled\": true"), refused::toString);
        assertEquals(events, count("SELECT count(*) FROM webhook_events"));
        assertEquals(deliveries, count("SELECT count(*) FROM webhook_deliveries"));
        assertEquals(nextSequence + 3, count("SELECT next_sequence FROM webhook_endpoints WHERE id = '" + id + "'"));
        assertProblem(404, api.post(ENDPOINTS + "/" + UUID.randomUUID() + "/test", Tokens.account(world.partner), ""));
    }

    @Test
    void deliveriesAreListedNewestFirstWithTheirLatestAttemptFilteredAndPaged() {
        World world = new World();
        String id = endpoint(world.partner, "*");
        endpoint(world.partner, "release.created");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(testEvent(world.partner, id).string("deliveryId"));
        }
        // as the sender would have left them: 0 succeeded after a 500, 1 failed without a response
        attempt(ids.get(0), 1, 500, "oops", null);
        attempt(ids.get(0), 2, 204, "", null);
        finish(ids.get(0), "SUCCEEDED");
        attempt(ids.get(1), 1, null, null, "connect timed out after 10 s");
        finish(ids.get(1), "FAILED");
        attempt(ids.get(2), 1, 503, "r".repeat(1000), null);

        String token = Tokens.account(world.partner);
        ApiResponse all = api.get(path(id) + "/deliveries", token);
        assertEquals(200, all.status(), all::toString);
        assertEquals(
                List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0)),
                all.items().stream().map(item -> item.get("id")).toList());
        Map<String, Object> succeeded = all.items().get(4);
        assertEquals("SUCCEEDED", succeeded.get("status"));
        assertEquals(WebhookEventTypes.WEBHOOK_TEST, succeeded.get("eventType"));
        assertEquals(id, succeeded.get("endpointId"));
        assertNotNull(succeeded.get("eventId"));
        assertEquals(2, succeeded.get("attempts"));
        assertNull(succeeded.get("nextAttemptAt"));
        assertNotNull(succeeded.get("finishedAt"));
        assertNotNull(succeeded.get("createdAt"));
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) succeeded.get("lastAttempt");
        assertEquals(2, last.get("attempt"));
        assertEquals(204, last.get("statusCode"));
        assertEquals(20, last.get("latencyMs"));
        assertEquals("2026-01-01T00:00:02Z", last.get("attemptedAt"));
        @SuppressWarnings("unchecked")
        Map<String, Object> failedAttempt =
                (Map<String, Object>) all.items().get(3).get("lastAttempt");
        assertNull(failedAttempt.get("statusCode"));
        assertEquals("connect timed out after 10 s", failedAttempt.get("error"));
        Map<String, Object> pending = all.items().get(0);
        assertEquals("PENDING", pending.get("status"));
        assertEquals(0, pending.get("attempts"));
        assertNotNull(pending.get("nextAttemptAt"));
        assertNull(pending.get("finishedAt"));
        assertNull(pending.get("lastAttempt"));
        assertTrue(pending.containsKey("lastAttempt"));
        long firstSequence = ((Number) all.items().get(4).get("sequence")).longValue();
        assertEquals(firstSequence + 4, ((Number) pending.get("sequence")).longValue());

        assertEquals(
                List.of(ids.get(1)),
                api.get(path(id) + "/deliveries?status=FAILED", token).items().stream()
                        .map(item -> item.get("id"))
                        .toList());
        assertEquals(
                List.of(ids.get(0)),
                api.get(path(id) + "/deliveries?status=SUCCEEDED", token).items().stream()
                        .map(item -> item.get("id"))
                        .toList());
        List<ApiResponse> pendingPages = pagesWithinBudget(path(id) + "/deliveries?status=PENDING", token, 2);
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), itemIds(pendingPages, "id"));
        assertEquals(2, pendingPages.size());
        List<ApiResponse> pages = pagesWithinBudget(path(id) + "/deliveries", token, 1);
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0)), itemIds(pages, "id"));
        ApiResponse badStatus = assertProblem(400, api.get(path(id) + "/deliveries?status=DELIVERED", token));
        assertFieldError(badStatus, "status");
        assertTrue(badStatus.string("detail").contains("PENDING, SUCCEEDED, FAILED"), badStatus::toString);
        assertProblem(400, api.get(path(id) + "/deliveries?limit=0", token));
        assertProblem(
                400,
                api.get(
                        path(id) + "/deliveries?pageToken="
                                + api.get(ENDPOINTS + "?limit=1", token).get("nextPageToken"),
                        token));

        // one delivery: every attempt, newest first, the latest 100 of them
        ApiResponse detail = api.get("/api/v1/webhook-deliveries/" + ids.get(0), token);
        assertEquals(200, detail.status(), detail::toString);
        assertEquals(2, detail.get("attemptCount"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> attempts = (List<Map<String, Object>>) detail.get("attempts");
        assertEquals(List.of(2, 1), attempts.stream().map(a -> a.get("attempt")).toList());
        assertEquals(500, attempts.get(1).get("statusCode"));
        assertEquals("oops", attempts.get(1).get("response"));
        assertEquals(WebhookEventTypes.WEBHOOK_TEST, detail.string("eventType"));
        for (int attempt = 2; attempt <= 105; attempt++) {
            attempt(ids.get(2), attempt, 503, "r".repeat(1000), null);
        }
        ApiResponse many = api.get("/api/v1/webhook-deliveries/" + ids.get(2), token);
        assertEquals(105, many.get("attemptCount"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> latest = (List<Map<String, Object>>) many.get("attempts");
        assertEquals(100, latest.size());
        assertEquals(105, latest.get(0).get("attempt"));
        assertEquals(6, latest.get(99).get("attempt"));
        assertProblem(404, api.get("/api/v1/webhook-deliveries/" + UUID.randomUUID(), token));
        assertProblem(400, api.get("/api/v1/webhook-deliveries/nope", token));
        assertProblem(404, api.get(ENDPOINTS + "/" + UUID.randomUUID() + "/deliveries", token));
    }

    @Test
    void aRedeliveryMakesTheDeliveryPendingAgainKeepingItsAttempts() {
        World world = new World();
        String id = endpoint(world.partner, "*");
        String deliveryId = testEvent(world.partner, id).string("deliveryId");
        attempt(deliveryId, 1, 500, "no", null);
        attempt(deliveryId, 2, 502, "no", null);
        attempt(deliveryId, 3, null, null, "connection refused");
        finish(deliveryId, "FAILED");
        // the endpoint waits for the retry of another failed delivery: asked for now, it goes now
        execute("UPDATE webhook_endpoints SET retry_at = now() + interval '1 hour' WHERE id = ?", UUID.fromString(id));
        long wakes = wakes(id);

        ApiResponse redelivered =
                api.post("/api/v1/webhook-deliveries/" + deliveryId + "/redeliver", Tokens.account(world.partner), "");
        assertEquals(202, redelivered.status(), redelivered::toString);
        assertEquals("PENDING", redelivered.string("status"));
        assertEquals(3, redelivered.get("attempts"));
        Map<String, Object> row = row(
                "SELECT status, attempts, next_attempt_at, finished_at FROM webhook_deliveries WHERE id = ?",
                UUID.fromString(deliveryId));
        assertEquals("PENDING", row.get("status"));
        assertEquals(3, row.get("attempts"), "the attempt count grows on from the earlier attempts");
        assertAboutNow(instant(row.get("next_attempt_at")), Duration.ofMinutes(1));
        assertNull(row.get("finished_at"));
        assertEquals(3, count("SELECT count(*) FROM webhook_attempts WHERE delivery_id = '" + deliveryId + "'"));
        assertEquals(wakes + 1, wakes(id), "the endpoint's workflow is signalled after the commit");
        assertEquals(
                0, count("SELECT count(*) FROM webhook_endpoints WHERE retry_at IS NOT NULL AND id = '" + id + "'"));

        // a redelivery of a succeeded one sends it again too
        finish(deliveryId, "SUCCEEDED");
        assertEquals(
                202,
                api.post("/api/v1/webhook-deliveries/" + deliveryId + "/redeliver", Tokens.account(world.partner), "")
                        .status());
        assertEquals(
                "PENDING",
                row("SELECT status FROM webhook_deliveries WHERE id = ?", UUID.fromString(deliveryId))
                        .get("status"));

        // not while the endpoint is disabled
        finish(deliveryId, "FAILED");
        execute(
                "UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'failed for 5 days',"
                        + " failing_since = now() - interval '5 days' WHERE id = ?",
                UUID.fromString(id));
        ApiResponse refused = assertProblem(
                409,
                api.post("/api/v1/webhook-deliveries/" + deliveryId + "/redeliver", Tokens.account(world.partner), ""));
        assertTrue(refused.string("detail").contains("Enable it first"), refused::toString);
        assertTrue(refused.string("detail").contains("failed for 5 days"), refused::toString);
        assertEquals(
                "FAILED",
                row("SELECT status FROM webhook_deliveries WHERE id = ?", UUID.fromString(deliveryId))
                        .get("status"));
        assertEquals(
                "failed for 5 days",
                api.get(path(id), Tokens.account(world.partner)).string("disabledReason"));

        // enabling it again clears why it was disabled and its failures, and wakes its workflow
        long beforeEnabling = wakes(id);
        ApiResponse enabled = api.patch(path(id), Tokens.account(world.partner), obj("enabled", true));
        assertEquals(200, enabled.status(), enabled::toString);
        assertEquals(true, enabled.get("enabled"));
        assertNull(enabled.get("disabledReason"));
        Map<String, Object> endpointRow = row(
                "SELECT enabled, disabled_reason, failing_since FROM webhook_endpoints WHERE id = ?",
                UUID.fromString(id));
        assertEquals(true, endpointRow.get("enabled"));
        assertNull(endpointRow.get("disabled_reason"));
        assertNull(endpointRow.get("failing_since"));
        assertEquals(beforeEnabling + 1, wakes(id));
        // a change that gives it nothing to send does not wake it
        api.patch(path(id), Tokens.account(world.partner), obj("description", "quiet", "enabled", true));
        assertEquals(beforeEnabling + 1, wakes(id));
        assertEquals(
                202,
                api.post("/api/v1/webhook-deliveries/" + deliveryId + "/redeliver", Tokens.account(world.partner), "")
                        .status());
    }

    @Test
    void anEnabledEndpointKeepsItsRunOfFailuresThroughChanges() {
        World world = new World();
        String id = endpoint(world.partner, "*");
        execute(
                "UPDATE webhook_endpoints SET failing_since = now() - interval '1 day' WHERE id = ?",
                UUID.fromString(id));
        api.patch(path(id), Tokens.account(world.partner), obj("enabled", true, "description", "still failing"));
        assertNotNull(row("SELECT failing_since FROM webhook_endpoints WHERE id = ?", UUID.fromString(id))
                .get("failing_since"));
        long before = wakes(id);
        ApiResponse moved =
                api.patch(path(id), Tokens.account(world.partner), obj("url", "https://other.partner.test/fixed"));
        assertEquals(200, moved.status(), moved::toString);
        assertEquals(before + 1, wakes(id), "a new URL gets what waits sent there at once");
        assertEquals(
                "https://other.partner.test/fixed",
                api.get(path(id), Tokens.account(world.partner)).string("url"));
    }

    private Map<String, Object> readJson(String text) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = json.readValue(text, Map.class);
            return parsed;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
