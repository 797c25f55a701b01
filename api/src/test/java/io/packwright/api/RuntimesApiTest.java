package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.api.auth.RuntimeTokens;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runtimes over real HTTP and PostgreSQL, with release workflows really running: credentials
 * (token once, stored hashed, revoked at once), the tenant matrix from every other side, the
 * desired state with decrypted secrets for the runtime only, the long-poll (304 on timeout, a wake
 * for every kind of change), and deployment reports on instances and releases.
 */
class RuntimesApiTest extends ReleaseWorkerApiTestBase {

    private static final String SECRET = "s3cret-password-value-91";
    private static final String SECRET_DEFAULT = "default-api-key-value-37";
    private static final String DEPLOYMENTS = "/api/v1/runtime/deployments";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterAll
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    /** A partner, its managed account with two environments, a MULTI pack released once, one instance. */
    private final class World {
        final UUID partner = createPartner("Runtime partner " + UUID.randomUUID(), true, true);
        final UUID customer = createManaged(partner, "Runtime customer");
        final UUID component = fixtures.component(partner, "Orders", "PROCESS");
        final UUID pack = fixtures.pack(partner, "Runtime pack " + UUID.randomUUID(), "MULTI");
        final String environment;
        final String otherEnvironment;
        final String instance;

        World() {
            fixtures.pkg(
                    partner,
                    component,
                    "1.0",
                    true,
                    withDefault(
                            CatalogFixtures.extension("endpoint", "PROCESS_PROPERTY", false, false),
                            "https://orders.example/v1"),
                    CatalogFixtures.extension("password", "CONNECTION_FIELD", false, true),
                    withDefault(CatalogFixtures.extension("apiKey", "CONNECTION_FIELD", false, true), SECRET_DEFAULT));
            fixtures.add(partner, pack, component);
            fixtures.group(partner, "Runtime customers", customer, pack);
            awaitStatus(partner, release(obj("releaseSchedule", "IMMEDIATELY")), "RELEASED");
            environment = environment("Production");
            otherEnvironment = environment("Test");
            instance = install("eu", Map.of("password", SECRET));
            attach(instance, environment);
        }

        String environment(String name) {
            ApiResponse created = api.post(
                    "/api/v1/environments", Tokens.account(customer), obj("name", name, "classification", "PROD"));
            assertEquals(201, created.status(), created::toString);
            return created.string("id");
        }

        String install(String name, Map<String, String> values) {
            ApiResponse installed = api.post(
                    "/api/v1/integration-pack-instances",
                    Tokens.account(customer),
                    obj("integrationPackId", pack, "integrationPackOverrideName", name, "extensionValues", values));
            assertEquals(201, installed.status(), installed::toString);
            return installed.string("id");
        }

        void attach(String instanceId, String environmentId) {
            ApiResponse attached = api.post(
                    "/api/v1/integration-pack-instances/" + instanceId + "/environment-attachments",
                    Tokens.account(customer),
                    obj("environmentId", environmentId));
            assertEquals(201, attached.status(), attached::toString);
        }

        String release(Map<String, Object> body) {
            ApiResponse response =
                    api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
            assertEquals(202, response.status(), response::toString);
            return response.string("id");
        }

        String runtime(String environmentId) {
            ApiResponse created = api.post(
                    runtimes(environmentId), Tokens.account(customer), obj("name", "atom-" + UUID.randomUUID()));
            assertEquals(201, created.status(), created::toString);
            return created.string("token");
        }

        String currentReleaseId() {
            return fixtures.column("SELECT current_release_id::text FROM integration_packs WHERE id = '" + pack + "'")
                    .get(0);
        }
    }

    private static Map<String, Object> withDefault(Map<String, Object> extension, String defaultValue) {
        extension.put("defaultValue", defaultValue);
        return extension;
    }

    private static String runtimes(String environmentId) {
        return "/api/v1/environments/" + environmentId + "/runtimes";
    }

    private ApiResponse desired(String token) {
        ApiResponse state = api.get(DEPLOYMENTS, token);
        assertEquals(200, state.status(), state::toString);
        return state;
    }

    private static long revision(ApiResponse state) {
        return ((Number) state.get("revision")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deployments(ApiResponse state) {
        return (List<Map<String, Object>>) state.get("deployments");
    }

    /** A long-poll from {@code revision}, answered on another thread. */
    private CompletableFuture<ApiResponse> longPoll(String token, long revision, int waitSeconds) {
        DatabaseNotifications notifications = context.getBean(DatabaseNotifications.class);
        int waitingBefore = notifications.waiting();
        CompletableFuture<ApiResponse> answer = CompletableFuture.supplyAsync(() -> api.get(
                DEPLOYMENTS + "?waitSeconds=" + waitSeconds, token, Map.of("If-None-Match", "\"" + revision + "\"")));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (notifications.waiting() <= waitingBefore && !answer.isDone()) {
            if (System.nanoTime() > deadline) {
                fail("the long-poll did not start waiting");
            }
            Thread.onSpinWait();
        }
        return answer;
    }

    /** Makes {@code change} while the runtime waits, and returns the state the wait wakes with. */
    private ApiResponse wakesOn(String token, Runnable change) {
        long before = revision(desired(token));
        CompletableFuture<ApiResponse> answer = longPoll(token, before, 50);
        assertFalse(answer.isDone(), "answered before the change");
        change.run();
        ApiResponse woken = answer.orTimeout(20, TimeUnit.SECONDS).join();
        assertEquals(200, woken.status(), woken::toString);
        assertTrue(revision(woken) > before, woken::toString);
        assertEquals(
                "\"" + revision(woken) + "\"",
                woken.headers().firstValue("ETag").orElse(null));
        return woken;
    }

    @Test
    void aRuntimeIsCreatedWithItsTokenOnceListedWithoutItAndRevokedAtOnce() {
        World world = new World();
        Map<String, String> key = Map.of("Idempotency-Key", "create-atom-1");
        ApiResponse created =
                api.post(runtimes(world.environment), Tokens.account(world.customer), obj("name", "atom-1"), key);
        assertEquals(201, created.status(), created::toString);
        String token = created.string("token");
        assertTrue(RuntimeTokens.isRuntimeToken(token), token);
        assertEquals(world.environment, created.string("environmentId"));
        assertEquals("atom-1", created.string("name"));
        assertNull(created.get("lastSeenAt"));
        assertNotNull(created.get("createdAt"));
        assertEquals(
                runtimes(world.environment),
                created.headers().firstValue("Location").orElse(null));

        // a retry gets the same runtime and token; nothing stores the token in plain text
        ApiResponse replayed =
                api.post(runtimes(world.environment), Tokens.account(world.customer), obj("name", "atom-1"), key);
        assertEquals(201, replayed.status(), replayed::toString);
        assertEquals(created.string("id"), replayed.string("id"));
        assertEquals(token, replayed.string("token"));
        assertEquals(0, count("SELECT count(*) FROM idempotency_keys WHERE response_body LIKE '%" + token + "%'"));
        String hash = HexFormat.of().formatHex(RuntimeTokens.sha256(token));
        assertEquals(1, count("SELECT count(*) FROM runtimes WHERE token_sha256 = '\\x" + hash + "'::bytea"));

        assertProblem(
                409, api.post(runtimes(world.environment), Tokens.account(world.customer), obj("name", "atom-1")));
        assertProblem(400, api.post(runtimes(world.environment), Tokens.account(world.customer), obj("name", " ")));
        assertProblem(400, api.post(runtimes(world.environment), Tokens.account(world.partner), obj("name", "x")));

        desired(token);
        List<Map<String, Object>> listed = listAll(runtimes(world.environment), Tokens.account(world.customer), 1);
        assertEquals(1, listed.size());
        assertFalse(listed.get(0).containsKey("token"), listed::toString);
        assertNotNull(listed.get(0).get("lastSeenAt"), "seen once it called");
        // the partner acts for its managed account
        List<Map<String, Object>> byPartner = listAll(
                runtimes(world.environment) + "?accountId=" + world.customer, Tokens.account(world.partner), 10);
        assertEquals(listed.get(0).get("id"), byPartner.get(0).get("id"));

        assertEquals(
                204,
                api.delete(
                                runtimes(world.environment) + "/" + created.string("id") + "?accountId="
                                        + world.customer,
                                Tokens.account(world.partner))
                        .status());
        assertProblem(401, api.get(DEPLOYMENTS, token));
        assertProblem(
                404,
                api.delete(runtimes(world.environment) + "/" + created.string("id"), Tokens.account(world.customer)));
        assertEquals(0, count("SELECT count(*) FROM runtimes WHERE environment_id = '" + world.environment + "'"));
    }

    @Test
    void aRuntimeSeesExactlyItsEnvironmentAndNobodyElseSeesOrManagesIt() {
        World world = new World();
        String token = world.runtime(world.environment);
        String otherEnvironmentToken = world.runtime(world.otherEnvironment);
        UUID sibling = createManaged(world.partner, "Runtime sibling");
        UUID otherPartner = createPartner("Runtime other partner " + UUID.randomUUID(), true, true);
        UUID otherCustomer = createManaged(otherPartner, "Runtime other customer");

        assertEquals(1, deployments(desired(token)).size());
        ApiResponse other = desired(otherEnvironmentToken);
        assertEquals(world.otherEnvironment, other.string("environmentId"));
        assertEquals(List.of(), deployments(other));
        // a runtime of the other environment cannot report on this one's instance
        assertProblem(
                404,
                api.put(
                        DEPLOYMENTS + "/" + world.instance,
                        otherEnvironmentToken,
                        obj("releaseNumber", 1, "state", "DEPLOYED")));

        // other tenants: nothing about the environment's runtimes
        for (String caller : List.of(Tokens.account(sibling), Tokens.account(otherCustomer))) {
            assertProblem(404, api.get(runtimes(world.environment), caller));
            assertProblem(404, api.post(runtimes(world.environment), caller, obj("name", "intruder")));
        }
        String runtimeId = (String) listAll(runtimes(world.environment), Tokens.account(world.customer), 10)
                .get(0)
                .get("id");
        assertProblem(404, api.delete(runtimes(world.environment) + "/" + runtimeId, Tokens.account(sibling)));
        assertProblem(
                404,
                api.get(runtimes(world.environment) + "?accountId=" + world.customer, Tokens.account(otherPartner)));
        assertProblem(
                404,
                api.post(
                        runtimes(world.environment),
                        Tokens.account(otherPartner),
                        obj("accountId", world.customer, "name", "intruder")));
        assertProblem(
                404,
                api.delete(
                        runtimes(world.environment) + "/" + runtimeId + "?accountId=" + world.customer,
                        Tokens.account(otherPartner)));
        // the partner's other managed account cannot be named for this environment either
        assertProblem(
                404, api.get(runtimes(world.environment) + "?accountId=" + sibling, Tokens.account(world.partner)));
        assertEquals(1, deployments(desired(token)).size(), "the runtime still works");
        assertProblem(403, api.get(runtimes(world.environment), Tokens.admin()));

        // people's tokens may not speak the runtime protocol, runtimes may not speak anything else
        for (String person : List.of(Tokens.account(world.customer), Tokens.account(world.partner), Tokens.admin())) {
            ApiResponse refused = assertProblem(403, api.get(DEPLOYMENTS, person));
            assertTrue(refused.string("detail").contains("runtime tokens"), refused::toString);
            assertProblem(
                    403,
                    api.put(DEPLOYMENTS + "/" + world.instance, person, obj("releaseNumber", 1, "state", "DEPLOYED")));
        }
        for (String path : List.of(
                "/api/v1/environments",
                "/api/v1/integration-pack-instances/" + world.instance,
                runtimes(world.environment),
                "/api/v1/available-integration-packs")) {
            ApiResponse refused = assertProblem(403, api.get(path, token));
            assertTrue(refused.string("detail").contains("/api/v1/runtime/**"), refused::toString);
        }
        assertProblem(403, api.post(runtimes(world.environment), token, obj("name", "self-made")));

        // unknown, malformed and made-up runtime tokens
        ApiResponse unknown = assertProblem(401, api.get(DEPLOYMENTS, RuntimeTokens.generate()));
        assertTrue(unknown.string("detail").contains("pwrt_"), unknown::toString);
        assertProblem(401, api.get(DEPLOYMENTS, "pwrt_short"));
        assertProblem(401, api.get(DEPLOYMENTS, null));
    }

    @Test
    void secretsAreDecryptedInTheRuntimesDesiredStateOnlyAndNeverLogged() {
        World world = new World();
        String token = world.runtime(world.environment);
        ApiResponse state = desired(token);
        assertEquals(world.environment, state.string("environmentId"));
        assertEquals(
                "\"" + revision(state) + "\"",
                state.headers().firstValue("ETag").orElse(null));
        assertEquals("no-store", state.headers().firstValue("Cache-Control").orElse(null));
        assertNull(state.get("nextPageToken"));
        Map<String, Object> deployment = deployments(state).get(0);
        assertEquals(world.instance, deployment.get("integrationPackInstanceId"));
        assertEquals(world.pack.toString(), deployment.get("integrationPackId"));
        assertEquals("eu", deployment.get("integrationPackOverrideName"));
        assertEquals(1, ((Number) deployment.get("releaseNumber")).intValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> components = (List<Map<String, Object>>) deployment.get("components");
        assertEquals(1, components.size());
        assertEquals(world.component.toString(), components.get(0).get("componentId"));
        assertEquals("Orders", components.get(0).get("componentName"));
        assertEquals("PROCESS", components.get(0).get("componentType"));
        assertEquals("1.0", components.get(0).get("packageVersion"));
        assertNotNull(components.get(0).get("packageId"));
        // the instance's secret, the secret default and the plain default, in key order
        assertEquals(
                Map.of("apiKey", SECRET_DEFAULT, "endpoint", "https://orders.example/v1", "password", SECRET),
                deployment.get("extensionValues"));
        assertEquals(
                List.of("apiKey", "endpoint", "password"),
                List.copyOf(((Map<?, ?>) deployment.get("extensionValues")).keySet()));

        // everywhere else the secrets stay masked
        ApiResponse instance =
                api.get("/api/v1/integration-pack-instances/" + world.instance, Tokens.account(world.customer));
        assertEquals(Map.of("password", "******"), instance.get("extensionValues"));
        ApiResponse listed = api.get(
                "/api/v1/integration-pack-instances?accountId=" + world.customer, Tokens.account(world.partner));
        assertFalse(listed.raw().contains(SECRET), listed::toString);
        String release = api.get("/api/v1/integration-packs/" + world.pack + "/releases", Tokens.account(world.partner))
                .raw();
        assertFalse(release.contains(SECRET_DEFAULT), release);
        assertEquals(0, count("SELECT count(*) FROM instance_extension_values WHERE value LIKE '%" + SECRET + "%'"));

        for (ILoggingEvent event : logs.list) {
            String logged = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                            ? ""
                            : event.getThrowableProxy().getMessage());
            assertFalse(logged.contains(SECRET), () -> "secret logged: " + logged);
            assertFalse(logged.contains(SECRET_DEFAULT), () -> "secret default logged: " + logged);
            assertFalse(logged.contains(token), () -> "runtime token logged: " + logged);
        }
    }

    @Test
    void theLongPollAnswers304WhenNothingChangesAndRefusesBadWaits() {
        World world = new World();
        String token = world.runtime(world.environment);
        long revision = revision(desired(token));
        ApiResponse unchanged =
                api.get(DEPLOYMENTS + "?waitSeconds=1", token, Map.of("If-None-Match", "\"" + revision + "\""));
        assertEquals(304, unchanged.status(), unchanged::toString);
        assertEquals(
                "\"" + revision + "\"", unchanged.headers().firstValue("ETag").orElse(null));
        assertEquals("", unchanged.raw());
        // without a wait, the same answer at once; weak and bare tags name the same revision
        assertEquals(
                304,
                api.get(DEPLOYMENTS, token, Map.of("If-None-Match", "W/\"" + revision + "\""))
                        .status());
        assertEquals(
                304,
                api.get(DEPLOYMENTS, token, Map.of("If-None-Match", Long.toString(revision)))
                        .status());
        // a tag of another revision, or none of ours, gets the state at once
        assertEquals(
                200,
                api.get(DEPLOYMENTS + "?waitSeconds=30", token, Map.of("If-None-Match", "\"" + (revision - 1) + "\""))
                        .status());
        assertEquals(
                200,
                api.get(DEPLOYMENTS + "?waitSeconds=30", token, Map.of("If-None-Match", "\"99999999999999999999\""))
                        .status());

        assertFieldError(assertProblem(400, api.get(DEPLOYMENTS + "?waitSeconds=61", token)), "waitSeconds");
        assertFieldError(assertProblem(400, api.get(DEPLOYMENTS + "?waitSeconds=-1", token)), "waitSeconds");
        assertProblem(400, api.get(DEPLOYMENTS + "?waitSeconds=soon", token));
        assertProblem(400, api.get(DEPLOYMENTS + "?limit=501", token));
    }

    @Test
    void theLongPollWakesOnEveryKindOfChange() {
        World world = new World();
        String token = world.runtime(world.environment);

        ApiResponse changedValues = wakesOn(
                token,
                () -> assertEquals(
                        200,
                        api.put(
                                        "/api/v1/integration-pack-instances/" + world.instance + "/extensions",
                                        Tokens.account(world.customer),
                                        obj("values", Map.of("password", "******", "endpoint", "https://eu.example")))
                                .status()));
        assertEquals(
                "https://eu.example",
                ((Map<?, ?>) deployments(changedValues).get(0).get("extensionValues")).get("endpoint"));

        String second = world.install("us", Map.of());
        ApiResponse attached = wakesOn(token, () -> world.attach(second, world.environment));
        assertEquals(2, deployments(attached).size());

        ApiResponse detached = wakesOn(
                token,
                () -> assertEquals(
                        204,
                        api.delete(
                                        "/api/v1/integration-pack-instances/" + second + "/environment-attachments/"
                                                + world.environment,
                                        Tokens.account(world.customer))
                                .status()));
        assertEquals(1, deployments(detached).size());

        // the release's fan-out batch moves the instance
        fixtures.pkg(world.partner, world.component, "2.0", true);
        ApiResponse afterFanOut = wakesOn(token, () -> world.release(obj("releaseSchedule", "IMMEDIATELY")));
        assertEquals(2, ((Number) deployments(afterFanOut).get(0).get("releaseNumber")).intValue());
        assertEquals(
                "2.0",
                ((Map<?, ?>) ((List<?>) deployments(afterFanOut).get(0).get("components")).get(0))
                        .get("packageVersion"));
        awaitStatus(world.partner, world.currentReleaseId(), "RELEASED");

        // a manual apply of a scheduled release during its testing period
        fixtures.pkg(world.partner, world.component, "3.0", true);
        world.release(obj(
                "releaseSchedule",
                "RELEASE_ON_SPECIFIED_DATE",
                "releaseOnDate",
                LocalDate.now(ZoneId.of("Europe/Berlin")).plusDays(5).toString()));
        ApiResponse applied = wakesOn(
                token,
                () -> assertEquals(
                        200,
                        api.raw(
                                        "POST",
                                        "/api/v1/integration-pack-instances/" + world.instance
                                                + "/apply-pending-update",
                                        Tokens.account(world.customer),
                                        null,
                                        "")
                                .status()));
        assertEquals(3, ((Number) deployments(applied).get(0).get("releaseNumber")).intValue());

        // renaming the pack changes every deployment's pack name
        String renamed = "Renamed pack " + UUID.randomUUID();
        ApiResponse afterRename = wakesOn(
                token,
                () -> assertEquals(
                        200,
                        api.patch(
                                        "/api/v1/integration-packs/" + world.pack,
                                        Tokens.account(world.partner),
                                        obj("name", renamed))
                                .status()));
        assertEquals(renamed, deployments(afterRename).get(0).get("integrationPackName"));

        ApiResponse uninstalled = wakesOn(
                token,
                () -> assertEquals(
                        204,
                        api.delete(
                                        "/api/v1/integration-pack-instances/" + world.instance,
                                        Tokens.account(world.customer))
                                .status()));
        assertEquals(List.of(), deployments(uninstalled));
    }

    @Test
    void deletingThePackEmptiesTheStateAndRevokingEndsAWaitWith401() {
        World world = new World();
        String token = world.runtime(world.environment);
        ApiResponse deleted = wakesOn(
                token,
                () -> assertEquals(
                        204,
                        api.delete("/api/v1/integration-packs/" + world.pack, Tokens.account(world.partner))
                                .status()));
        assertEquals(List.of(), deployments(deleted));
        // the pack's clean-up removes its instances (and attachments) next, which changes the state once more
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count("SELECT count(*) FROM integration_pack_instances WHERE integration_pack_id = '" + world.pack + "'")
                > 0) {
            assertTrue(System.nanoTime() < deadline, "the deleted pack's instances are never removed");
            Thread.onSpinWait();
        }

        long revision = revision(desired(token));
        CompletableFuture<ApiResponse> waiting = longPoll(token, revision, 50);
        String runtimeId = (String) listAll(runtimes(world.environment), Tokens.account(world.customer), 10)
                .get(0)
                .get("id");
        assertEquals(
                204,
                api.delete(runtimes(world.environment) + "/" + runtimeId, Tokens.account(world.customer))
                        .status());
        assertProblem(401, waiting.orTimeout(20, TimeUnit.SECONDS).join());
    }

    @Test
    void deploymentReportsShowOnTheInstanceAndTheRelease() {
        World world = new World();
        String token = world.runtime(world.environment);
        String release = world.currentReleaseId();
        String report = DEPLOYMENTS + "/" + world.instance;

        assertEquals(
                204,
                api.put(report, token, obj("releaseNumber", 1, "state", "DEPLOYED"))
                        .status());
        ApiResponse instance =
                api.get("/api/v1/integration-pack-instances/" + world.instance, Tokens.account(world.customer));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> shown = (List<Map<String, Object>>) instance.get("deployments");
        assertEquals(1, shown.size(), instance::toString);
        assertEquals(world.environment, shown.get(0).get("environmentId"));
        assertEquals(1, ((Number) shown.get(0).get("releaseNumber")).intValue());
        assertEquals("DEPLOYED", shown.get(0).get("state"));
        assertNull(shown.get(0).get("message"));
        assertNotNull(shown.get(0).get("reportedAt"));
        assertDeploymentCounts(world, release, 1, 0);
        List<Map<String, Object>> listed =
                listAll("/api/v1/releases/" + release + "/deployments", Tokens.account(world.partner), 10);
        assertEquals(1, listed.size());
        assertEquals(world.instance, listed.get(0).get("integrationPackInstanceId"));
        assertEquals(world.customer.toString(), listed.get(0).get("accountId"));
        assertEquals(world.environment, listed.get(0).get("environmentId"));
        assertEquals(
                List.of(),
                listAll(
                        "/api/v1/releases/" + release + "/deployments?state=FAILED",
                        Tokens.account(world.partner),
                        10));

        // a new report replaces the previous one
        assertEquals(
                204,
                api.put(report, token, obj("releaseNumber", 1, "state", "FAILED", "message", "disk full"))
                        .status());
        assertDeploymentCounts(world, release, 0, 1);
        List<Map<String, Object>> failed =
                listAll("/api/v1/releases/" + release + "/deployments?state=FAILED", Tokens.account(world.partner), 10);
        assertEquals("disk full", failed.get(0).get("message"));

        // bad reports change nothing
        assertFieldError(
                assertProblem(400, api.put(report, token, obj("releaseNumber", 1, "state", "FAILED"))), "message");
        assertFieldError(
                assertProblem(400, api.put(report, token, obj("releaseNumber", 99, "state", "DEPLOYED"))),
                "releaseNumber");
        assertProblem(400, api.put(report, token, obj("releaseNumber", 1, "state", "RUNNING")));
        assertProblem(400, api.put(report, token, obj("releaseNumber", 1, "state", "FAILED", "message", "a\u0000b")));
        assertProblem(
                400, api.put(report, token, obj("releaseNumber", 1, "state", "FAILED", "message", "x".repeat(2001))));
        assertProblem(400, api.put(report, token, obj("state", "DEPLOYED")));
        assertProblem(
                404,
                api.put(DEPLOYMENTS + "/" + UUID.randomUUID(), token, obj("releaseNumber", 1, "state", "DEPLOYED")));
        assertDeploymentCounts(world, release, 0, 1);

        // nobody else reads a release's deployments
        UUID otherPartner = createPartner("Report other partner " + UUID.randomUUID(), true, false);
        assertProblem(404, api.get("/api/v1/releases/" + release + "/deployments", Tokens.account(otherPartner)));
        assertProblem(403, api.get("/api/v1/releases/" + release + "/deployments", Tokens.account(world.customer)));
        assertProblem(
                400,
                api.get("/api/v1/releases/" + release + "/deployments?state=BROKEN", Tokens.account(world.partner)));

        // a detached environment's report goes with the attachment
        assertEquals(
                204,
                api.delete(
                                "/api/v1/integration-pack-instances/" + world.instance + "/environment-attachments/"
                                        + world.environment,
                                Tokens.account(world.customer))
                        .status());
        assertDeploymentCounts(world, release, 0, 0);
        assertProblem(404, api.put(report, token, obj("releaseNumber", 1, "state", "DEPLOYED")));
    }

    @Test
    void theDesiredStateIsPagedAtOneRevision() {
        World world = new World();
        String token = world.runtime(world.environment);
        for (String name : List.of("b", "c")) {
            world.attach(world.install(name, Map.of()), world.environment);
        }
        ApiResponse first = api.get(DEPLOYMENTS + "?limit=2", token);
        assertEquals(200, first.status(), first::toString);
        assertEquals(2, deployments(first).size());
        String next = first.string("nextPageToken");
        assertNotNull(next);
        ApiResponse second = api.get(DEPLOYMENTS + "?limit=2&pageToken=" + next, token);
        assertEquals(1, deployments(second).size());
        assertNull(second.get("nextPageToken"));
        assertEquals(revision(first), revision(second));
        assertNotEquals(
                deployments(first).get(1).get("integrationPackInstanceId"),
                deployments(second).get(0).get("integrationPackInstanceId"));
    }

    private void assertDeploymentCounts(World world, String release, long deployed, long failed) {
        ApiResponse read = api.get("/api/v1/releases/" + release, Tokens.account(world.partner));
        Map<?, ?> progress = (Map<?, ?>) read.get("progress");
        assertEquals(deployed, ((Number) progress.get("deployed")).longValue(), read::toString);
        assertEquals(failed, ((Number) progress.get("deploymentFailed")).longValue(), read::toString);
    }
}
