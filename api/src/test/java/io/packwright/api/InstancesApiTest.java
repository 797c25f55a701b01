package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static io.packwright.api.support.CatalogFixtures.extension;
import static io.packwright.api.support.CatalogFixtures.extensions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.managed.ExtensionValueStore;
import io.packwright.api.managed.InstanceService;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/integration-pack-instances}: install (SINGLE and MULTI rules, visibility, current
 * release), extension values (declared keys, required values, encrypted secrets never shown),
 * environment attachments, uninstall, the tenant matrix, and concurrent installs; as the managed
 * account and as its partner acting for it.
 */
class InstancesApiTest extends CatalogApiTestBase {

    private static final String INSTANCES = "/api/v1/integration-pack-instances";
    private static final String SECRET_VALUE = "s3cr3t-Value-that-must-never-leak-42";

    private final List<ApiResponse> responses = new ArrayList<>();

    @Inject
    private SecretCipher cipher;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    private UUID partner;
    private UUID customer;
    private UUID sibling;
    private UUID otherPartner;
    private UUID otherCustomer;
    private UUID single;
    private UUID multi;
    private UUID unreleased;
    private UUID notShared;

    @BeforeAll
    void setUp() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        partner = createPartner("Inst Partner", true, true);
        customer = createManaged(partner, "Inst Customer");
        sibling = createManaged(partner, "Inst Sibling");
        otherPartner = createPartner("Inst Other Partner", true, true);
        otherCustomer = createManaged(otherPartner, "Inst Other Customer");

        UUID component = fixtures.component(partner, "Inst process", "PROCESS");
        Map<String, Object> withDefault = extension("region", "PROCESS_PROPERTY", true, false);
        withDefault.put("defaultValue", "eu");
        fixtures.pkg(
                partner,
                component,
                "1.0",
                true,
                extension("url", "CONNECTION_FIELD", true, false),
                extension("password", "CONNECTION_FIELD", false, true),
                extension("note", "PROCESS_PROPERTY", false, false),
                withDefault);
        single = fixtures.pack(partner, "Inst single", "SINGLE");
        fixtures.add(partner, single, component);
        fixtures.releaseNow(single);
        // the pending release brings a package with a new extension
        fixtures.pkg(
                partner,
                component,
                "2.0",
                true,
                extension("url", "CONNECTION_FIELD", true, false),
                extension("password", "CONNECTION_FIELD", false, true),
                extension("note", "PROCESS_PROPERTY", false, false),
                extension("timeout", "PROCESS_PROPERTY", true, false),
                withDefault);
        fixtures.scheduleRelease(single, LocalDate.now().plusDays(10));

        UUID plain = fixtures.shareableProcess(partner, "Inst plain process");
        multi = fixtures.pack(partner, "Inst multi", "MULTI");
        fixtures.add(partner, multi, plain);
        fixtures.releaseNow(multi);
        unreleased = fixtures.pack(partner, "Inst unreleased", "SINGLE");
        notShared = fixtures.pack(partner, "Inst not shared", "SINGLE");
        fixtures.add(partner, notShared, plain);
        fixtures.releaseNow(notShared);

        for (UUID account : List.of(customer, sibling)) {
            UUID group = fixtures.group(partner, "Inst group " + account, account, single);
            for (UUID pack : List.of(multi, unreleased)) {
                fixtures.exec(
                        "INSERT INTO account_group_packs (account_group_id, integration_pack_id, added_at)"
                                + " VALUES (?, ?, now())",
                        group,
                        pack);
            }
        }
    }

    @AfterAll
    void noSecretLeaked() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        for (ApiResponse response : responses) {
            assertFalse(String.valueOf(response.raw()).contains(SECRET_VALUE), () -> "leaked in " + response);
            assertFalse(response.headers().toString().contains(SECRET_VALUE));
        }
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains(SECRET_VALUE), event::getFormattedMessage);
            if (event.getThrowableProxy() != null) {
                assertFalse(event.getThrowableProxy().getMessage() != null
                        && event.getThrowableProxy().getMessage().contains(SECRET_VALUE));
            }
        }
        assertTrue(responses.size() > 10);
    }

    private ApiResponse seen(ApiResponse response) {
        responses.add(response);
        return response;
    }

    private ApiResponse install(UUID caller, Map<String, Object> body) {
        return seen(api.post(INSTANCES, Tokens.account(caller), body));
    }

    private static Map<String, Object> singleBody(UUID account, Map<String, Object> values) {
        Map<String, Object> body = obj("integrationPackId", "PACK", "extensionValues", values);
        if (account != null) {
            body.put("accountId", account);
        }
        return body;
    }

    private Map<String, Object> installSingle(UUID account, UUID caller) {
        Map<String, Object> body = singleBody(caller.equals(account) ? null : account, values());
        body.put("integrationPackId", single);
        ApiResponse response = install(caller, body);
        assertEquals(201, response.status(), response::toString);
        return response.body();
    }

    private static Map<String, Object> values() {
        return new HashMap<>(obj("url", "https://example.test", "password", SECRET_VALUE));
    }

    private long instances(UUID account) {
        return count("SELECT count(*) FROM integration_pack_instances WHERE account_id = '" + account + "'");
    }

    private String state(UUID account) {
        return String.join(
                "|",
                String.join(
                        ",",
                        fixtures.column("SELECT i.id || ':' || coalesce(i.override_name, '') || ':' || i.updated_at"
                                + " FROM integration_pack_instances i WHERE account_id = '" + account
                                + "' ORDER BY i.id")),
                String.join(
                        ",",
                        fixtures.column("SELECT v.key || '=' || coalesce(v.value, encode(v.encrypted_value, 'hex'))"
                                + " FROM instance_extension_values v JOIN integration_pack_instances i"
                                + " ON i.id = v.integration_pack_instance_id WHERE i.account_id = '" + account
                                + "' ORDER BY 1")),
                String.join(
                        ",",
                        fixtures.column("SELECT a.environment_id || '>' || a.integration_pack_instance_id"
                                + " FROM environment_attachments a JOIN environments e ON e.id = a.environment_id"
                                + " WHERE e.account_id = '" + account + "' ORDER BY 1")));
    }

    @Test
    void managedAccountInstallsASinglePackOnce() {
        UUID account = createManaged(partner, "Single installer");
        fixtures.group(partner, "Single installer group", account, single);
        Map<String, Object> instance = installSingle(account, account);
        assertEquals(
                Set.of(
                        "id",
                        "accountId",
                        "integrationPackId",
                        "integrationPackName",
                        "installationType",
                        "integrationPackOverrideName",
                        "installedReleaseNumber",
                        "pendingUpdate",
                        "environmentIds",
                        "deployments",
                        "extensionValues",
                        "createdAt"),
                instance.keySet());
        assertEquals(List.of(), instance.get("deployments"));
        assertEquals(account.toString(), instance.get("accountId"));
        assertEquals(single.toString(), instance.get("integrationPackId"));
        assertEquals("Inst single", instance.get("integrationPackName"));
        assertEquals("SINGLE", instance.get("installationType"));
        assertNull(instance.get("integrationPackOverrideName"));
        assertEquals(1, ((Number) instance.get("installedReleaseNumber")).intValue());
        Map<?, ?> pending = (Map<?, ?>) instance.get("pendingUpdate");
        assertEquals(2, ((Number) pending.get("releaseNumber")).intValue());
        assertEquals(LocalDate.now().plusDays(10).toString(), pending.get("releaseOnDate"));
        assertTrue(pending.get("windowStart") instanceof String);
        assertEquals(List.of(), instance.get("environmentIds"));
        assertEquals(Map.of("url", "https://example.test", "password", "******"), instance.get("extensionValues"));

        // stored encrypted, never in plain text
        String id = (String) instance.get("id");
        assertEquals(
                1,
                count("SELECT count(*) FROM instance_extension_values WHERE integration_pack_instance_id = '" + id
                        + "' AND key = 'password' AND value IS NULL AND encrypted_value IS NOT NULL"
                        + " AND position(convert_to('" + SECRET_VALUE + "', 'UTF8') IN encrypted_value) = 0"));

        String before = state(account);
        Map<String, Object> again = singleBody(null, values());
        again.put("integrationPackId", single);
        assertProblem(409, install(account, again));
        Map<String, Object> named = singleBody(null, values());
        named.put("integrationPackId", single);
        named.put("integrationPackOverrideName", "named");
        assertFieldError(assertProblem(400, install(account, named)), "integrationPackOverrideName");
        assertEquals(before, state(account));
        assertEquals(1, instances(account));

        ApiResponse read = seen(api.get(INSTANCES + "/" + id, Tokens.account(account)));
        assertEquals(200, read.status(), read::toString);
        assertEquals(instance, read.body());
        ApiResponse byPartner = seen(api.get(INSTANCES + "/" + id + "?accountId=" + account, Tokens.account(partner)));
        assertEquals(instance, byPartner.body());
        assertEquals(List.of(instance), listAll(INSTANCES, Tokens.account(account), 1));
        assertEquals(List.of(instance), listAll(INSTANCES + "?accountId=" + account, Tokens.account(partner), 1));

        // the pending update disappears once the instance has an outcome of that release
        fixtures.exec("""
                INSERT INTO release_instances (release_id, integration_pack_instance_id, account_id, status, mode,
                                               applied_at, recorded_at)
                SELECT r.id, ?::uuid, ?::uuid, 'APPLIED', 'MANUAL', now(), now()
                FROM releases r WHERE r.integration_pack_id = ? AND r.status = 'SCHEDULED'""", UUID.fromString(id), account, single);
        assertNull(seen(api.get(INSTANCES + "/" + id, Tokens.account(account))).get("pendingUpdate"));
    }

    @Test
    void partnerInstallsMultiInstancesForItsManagedAccount() {
        UUID account = createManaged(partner, "Multi installer");
        fixtures.group(partner, "Multi installer group", account, multi);
        ApiResponse missing = install(partner, obj("accountId", account, "integrationPackId", multi));
        assertFieldError(assertProblem(400, missing), "integrationPackOverrideName");
        assertEquals(0, instances(account));

        ApiResponse first = install(
                partner, obj("accountId", account, "integrationPackId", multi, "integrationPackOverrideName", "EU"));
        assertEquals(201, first.status(), first::toString);
        assertEquals(account.toString(), first.string("accountId"));
        assertEquals("EU", first.string("integrationPackOverrideName"));
        assertEquals("MULTI", first.string("installationType"));
        assertNull(first.get("pendingUpdate"));
        assertEquals(
                INSTANCES + "/" + first.string("id"),
                first.headers().firstValue("Location").orElse(null));

        String before = state(account);
        assertProblem(
                409,
                install(
                        partner,
                        obj("accountId", account, "integrationPackId", multi, "integrationPackOverrideName", "EU")));
        assertEquals(before, state(account));
        ApiResponse second = install(account, obj("integrationPackId", multi, "integrationPackOverrideName", "US"));
        assertEquals(201, second.status(), second::toString);
        assertEquals(2, instances(account));

        // without accountId a partner is 400
        assertFieldError(
                assertProblem(
                        400, install(partner, obj("integrationPackId", multi, "integrationPackOverrideName", "X"))),
                "accountId");
        assertEquals(2, instances(account));
    }

    @Test
    void onlyVisibleReleasedLivePacksCanBeInstalled() {
        String before = state(customer);
        assertProblem(404, install(customer, obj("integrationPackId", notShared)));
        assertProblem(404, install(customer, obj("integrationPackId", UUID.randomUUID())));
        assertProblem(409, install(customer, obj("integrationPackId", unreleased)));
        assertProblem(400, install(customer, obj("integrationPackOverrideName", "x")));
        assertProblem(400, seen(api.raw("POST", INSTANCES, Tokens.account(customer), "application/json", "{\"a\":")));
        assertProblem(400, install(customer, obj("integrationPackId", "not-a-uuid")));
        assertEquals(before, state(customer));

        UUID account = createManaged(partner, "Deleted pack installer");
        UUID doomed = fixtures.pack(partner, "Inst doomed", "SINGLE");
        fixtures.add(partner, doomed, fixtures.shareableProcess(partner, "Doomed process"));
        fixtures.releaseNow(doomed);
        fixtures.group(partner, "Doomed group", account, doomed);
        fixtures.exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", doomed);
        assertProblem(404, install(account, obj("integrationPackId", doomed)));
        assertEquals(0, instances(account));
    }

    @Test
    void extensionValuesAreValidatedAndSecretsNeverShown() {
        UUID account = createManaged(partner, "Extension installer");
        fixtures.group(partner, "Extension group", account, single);
        Map<String, Object> body = obj("integrationPackId", single);

        body.put("extensionValues", obj("password", SECRET_VALUE));
        assertFieldError(assertProblem(400, install(account, body)), "extensionValues.url");
        body.put("extensionValues", obj("url", "u", "unknown", SECRET_VALUE));
        assertFieldError(assertProblem(400, install(account, body)), "extensionValues");
        assertEquals(0, instances(account));

        // a key of the pending release only may be prepared during the testing period
        body.put("extensionValues", obj("url", "u", "timeout", "30", "password", SECRET_VALUE));
        ApiResponse installed = install(account, body);
        assertEquals(201, installed.status(), installed::toString);
        assertEquals(Map.of("url", "u", "timeout", "30", "password", "******"), installed.get("extensionValues"));
        String id = installed.string("id");

        // PUT replaces all values; "******" keeps the stored secret
        String storedSecret = fixtures.column("SELECT encode(encrypted_value, 'hex') FROM instance_extension_values"
                        + " WHERE integration_pack_instance_id = '" + id + "' AND key = 'password'")
                .get(0);
        ApiResponse kept = seen(api.put(
                INSTANCES + "/" + id + "/extensions",
                Tokens.account(account),
                obj("values", obj("url", "v", "password", "******"))));
        assertEquals(200, kept.status(), kept::toString);
        assertEquals(Map.of("url", "v", "password", "******"), kept.get("extensionValues"));
        assertEquals(
                List.of(storedSecret),
                fixtures.column("SELECT encode(encrypted_value, 'hex') FROM instance_extension_values"
                        + " WHERE integration_pack_instance_id = '" + id + "' AND key = 'password'"));

        ApiResponse replaced = seen(api.put(
                INSTANCES + "/" + id + "/extensions?accountId=" + account,
                Tokens.account(partner),
                obj("values", obj("url", "w", "password", SECRET_VALUE + "-2", "note", "n"))));
        assertEquals(200, replaced.status(), replaced::toString);
        assertEquals(Map.of("url", "w", "password", "******", "note", "n"), replaced.get("extensionValues"));
        List<String> newSecret = fixtures.column("SELECT encode(encrypted_value, 'hex') FROM instance_extension_values"
                + " WHERE integration_pack_instance_id = '" + id + "' AND key = 'password'");
        assertFalse(newSecret.contains(storedSecret));

        String before = state(account);
        assertFieldError(
                assertProblem(
                        400,
                        seen(api.put(
                                INSTANCES + "/" + id + "/extensions",
                                Tokens.account(account),
                                obj("values", obj("password", SECRET_VALUE))))),
                "values.url");
        assertFieldError(
                assertProblem(
                        400,
                        seen(api.put(
                                INSTANCES + "/" + id + "/extensions",
                                Tokens.account(account),
                                obj("values", obj("url", "x", "bogus", SECRET_VALUE))))),
                "values");
        assertProblem(400, seen(api.put(INSTANCES + "/" + id + "/extensions", Tokens.account(account), obj("x", 1))));
        assertProblem(
                404,
                seen(api.put(
                        INSTANCES + "/" + UUID.randomUUID() + "/extensions",
                        Tokens.account(account),
                        obj("values", obj("url", "x")))));
        assertEquals(before, state(account));
    }

    @Test
    void malformedBodiesWithASecretDoNotEchoIt() {
        UUID account = createManaged(partner, "Malformed body account");
        fixtures.group(partner, "Malformed group", account, single);
        String token = Tokens.account(account);
        List<String> bodies = List.of(
                "{\"integrationPackId\":\"" + single + "\",\"extensionValues\":{\"password\":\"" + SECRET_VALUE + "\"",
                "{\"integrationPackId\":\"" + single + "\",\"extensionValues\":{\"password\":[\"" + SECRET_VALUE
                        + "\"]}}",
                "{\"integrationPackId\":\"" + SECRET_VALUE + "\"}",
                "{\"integrationPackId\":\"" + single + "\",\"extensionValues\":{\"" + SECRET_VALUE + "\":1}}");
        for (String body : bodies) {
            ApiResponse response = seen(api.raw("POST", INSTANCES, token, "application/json", body));
            assertProblem(400, response);
        }
        ApiResponse nul = seen(api.post(
                INSTANCES,
                token,
                obj("integrationPackId", single, "extensionValues", obj("url", "a\u0000b", "password", SECRET_VALUE))));
        assertFieldError(assertProblem(400, nul), "extensionValues.url");
        assertEquals(0, instances(account));
    }

    @Test
    void messagesThatListKeysNameTenAndCountTheRest() {
        UUID account = createManaged(partner, "Many keys owner");
        UUID component = fixtures.component(partner, "Many keys process", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        UUID pack = fixtures.pack(partner, "Inst many keys", "SINGLE");
        fixtures.add(partner, pack, component);
        fixtures.releaseNow(pack);
        fixtures.group(partner, "Many keys group", account, pack);
        ApiResponse installed = install(account, obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        String id = installed.string("id");
        fixtures.pkg(partner, component, "2.0", true, extensions("need", 14, "PROCESS_PROPERTY", true, false));
        fixtures.scheduleRelease(pack, LocalDate.now().plusDays(3));

        ApiResponse cannotTake =
                seen(api.post(INSTANCES + "/" + id + "/apply-pending-update", Tokens.account(account), obj()));
        assertProblem(422, cannotTake);
        assertNamesTenKeysAndCountsTheRest(cannotTake.string("detail"), "need", 14);

        Map<String, Object> unknown = new HashMap<>();
        for (int i = 1; i <= 12; i++) {
            unknown.put(String.format("bogus%02d", i), "x");
        }
        ApiResponse invalid =
                seen(api.put(INSTANCES + "/" + id + "/extensions", Tokens.account(account), obj("values", unknown)));
        assertProblem(400, invalid);
        assertNamesTenKeysAndCountsTheRest(invalid.string("detail"), "bogus", 12);
        assertEquals(12, ((List<?>) invalid.get("errors")).size(), invalid::toString);
    }

    @Test
    void anInstanceHoldsAtMost200ValuesOf8192CharactersAnd512KibInAll() {
        UUID account = createManaged(partner, "Big values owner");
        UUID component = fixtures.component(partner, "Big values process", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true, extensions("big", 70, "PROCESS_PROPERTY", false, false));
        UUID pack = fixtures.pack(partner, "Inst big values", "SINGLE");
        fixtures.add(partner, pack, component);
        fixtures.releaseNow(pack);
        fixtures.group(partner, "Big values group", account, pack);
        String token = Tokens.account(account);

        Map<String, Object> tooMany = new HashMap<>();
        for (int i = 1; i <= 201; i++) {
            tooMany.put(String.format("big%03d", i), "v");
        }
        ApiResponse many = install(account, obj("integrationPackId", pack, "extensionValues", tooMany));
        assertFieldError(assertProblem(400, many), "extensionValues");
        assertTrue(many.string("detail").contains("at most 200 extension values"), many::toString);

        ApiResponse tooLong =
                install(account, obj("integrationPackId", pack, "extensionValues", obj("big01", "x".repeat(8193))));
        assertFieldError(assertProblem(400, tooLong), "extensionValues.big01");
        assertTrue(tooLong.string("detail").contains("at most 8192 characters"), tooLong::toString);
        assertEquals(0, instances(account));

        // 64 values of 8192 characters are exactly 512 KiB
        Map<String, Object> most = new HashMap<>();
        for (int i = 1; i <= 64; i++) {
            most.put(String.format("big%02d", i), "x".repeat(8192));
        }
        ApiResponse installed = install(account, obj("integrationPackId", pack, "extensionValues", most));
        assertEquals(201, installed.status(), installed::toString);
        String id = installed.string("id");

        Map<String, Object> tooMuch = new HashMap<>(most);
        tooMuch.put("big65", "é");
        String before = state(account);
        ApiResponse total = seen(api.put(INSTANCES + "/" + id + "/extensions", token, obj("values", tooMuch)));
        assertFieldError(assertProblem(400, total), "values");
        assertTrue(total.string("detail").contains("at most 524288 (512 KiB)"), total::toString);
        assertEquals(before, state(account));
    }

    @Test
    void aValueSetBeforeItsKeyBecameSecretIsMaskedAndKeptEncrypted() {
        String becomesSecret = "plain-then-secret-value-77";
        UUID account = createManaged(partner, "Became secret owner");
        String token = Tokens.account(account);
        UUID component = fixtures.component(partner, "Became secret process", "PROCESS");
        fixtures.pkg(
                partner,
                component,
                "1.0",
                true,
                extension("token", "CONNECTION_FIELD", false, false),
                extension("host", "CONNECTION_FIELD", false, false));
        UUID pack = fixtures.pack(partner, "Inst became secret", "SINGLE");
        fixtures.add(partner, pack, component);
        fixtures.releaseNow(pack);
        fixtures.group(partner, "Became secret group", account, pack);
        ApiResponse installed =
                install(account, obj("integrationPackId", pack, "extensionValues", obj("token", becomesSecret)));
        assertEquals(Map.of("token", becomesSecret), installed.get("extensionValues"), "not secret yet");
        String id = installed.string("id");

        fixtures.pkg(
                partner,
                component,
                "2.0",
                true,
                extension("token", "CONNECTION_FIELD", false, true),
                extension("host", "CONNECTION_FIELD", false, false));
        fixtures.scheduleRelease(pack, LocalDate.now().plusDays(5));
        List<ApiResponse> since = new ArrayList<>();
        ApiResponse one = seen(api.get(INSTANCES + "/" + id, token));
        since.add(one);
        assertEquals(Map.of("token", InstanceService.MASK), one.get("extensionValues"), "masked at once");
        List<Map<String, Object>> listed = listAll(INSTANCES, token, 10);
        assertEquals(Map.of("token", InstanceService.MASK), listed.get(0).get("extensionValues"));
        assertEquals(List.of(becomesSecret), storedPlain(id, "token"), "plain at rest until it is encrypted");

        // sending back what was read keeps the value, encrypted now; a literal "******" of a key
        // that is not secret stays what it is
        ApiResponse kept = seen(api.put(
                INSTANCES + "/" + id + "/extensions",
                token,
                obj("values", obj("token", InstanceService.MASK, "host", InstanceService.MASK))));
        since.add(kept);
        assertEquals(200, kept.status(), kept::toString);
        assertEquals(List.of(InstanceService.MASK), storedPlain(id, "host"));
        assertEquals(Arrays.asList((String) null), storedPlain(id, "token"));
        assertEquals(
                becomesSecret, cipher.decrypt(ExtensionValueStore.owner(UUID.fromString(id), "token"), stored(id)));
        ApiResponse again = seen(api.put(
                INSTANCES + "/" + id + "/extensions",
                token,
                obj("values", obj("token", InstanceService.MASK, "host", "h"))));
        since.add(again);
        assertEquals(Map.of("token", InstanceService.MASK, "host", "h"), again.get("extensionValues"));
        assertEquals(
                becomesSecret, cipher.decrypt(ExtensionValueStore.owner(UUID.fromString(id), "token"), stored(id)));
        for (ApiResponse response : since) {
            assertFalse(response.raw().contains(becomesSecret), response::toString);
        }
    }

    @Test
    void aRequiredSecretWithADefaultNeedsNoValue() {
        UUID account = createManaged(partner, "Secret default owner");
        UUID component = fixtures.component(partner, "Secret default process", "PROCESS");
        Map<String, Object> apiKey = extension("apiKey", "CONNECTION_FIELD", true, true);
        apiKey.put("defaultValue", SECRET_VALUE);
        fixtures.pkg(partner, component, "1.0", true, apiKey);
        UUID pack = fixtures.pack(partner, "Inst secret default", "SINGLE");
        fixtures.add(partner, pack, component);
        fixtures.releaseNow(pack);
        fixtures.group(partner, "Secret default group", account, pack);
        ApiResponse installed = install(account, obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        assertEquals(Map.of(), installed.get("extensionValues"));
    }

    private List<String> storedPlain(String instanceId, String key) {
        return fixtures.column("SELECT value FROM instance_extension_values WHERE integration_pack_instance_id = '"
                + instanceId + "' AND key = '" + key + "'");
    }

    private byte[] stored(String instanceId) {
        return HexFormat.of()
                .parseHex(fixtures.column("SELECT encode(encrypted_value, 'hex') FROM instance_extension_values"
                                + " WHERE integration_pack_instance_id = '" + instanceId + "' AND key = 'token'")
                        .get(0));
    }

    @Test
    void installIsIdempotentWithAKey() {
        UUID account = createManaged(partner, "Idempotent installer");
        fixtures.group(partner, "Idempotent group", account, multi);
        Map<String, Object> body = obj("integrationPackId", multi, "integrationPackOverrideName", "Once");
        Map<String, String> key = Map.of("Idempotency-Key", "install-" + account);
        ApiResponse first = seen(api.post(INSTANCES, Tokens.account(account), body, key));
        assertEquals(201, first.status(), first::toString);
        ApiResponse retry = seen(api.post(INSTANCES, Tokens.account(account), body, key));
        assertEquals(201, retry.status(), retry::toString);
        assertEquals(first.body(), retry.body());
        assertProblem(
                409,
                seen(api.post(
                        INSTANCES,
                        Tokens.account(account),
                        obj("integrationPackId", multi, "integrationPackOverrideName", "Other"),
                        key)));
        assertEquals(1, instances(account));
    }

    @Test
    void instancesOfADeletedPackAreGone() {
        UUID account = createManaged(partner, "Deleted pack owner");
        UUID doomed = fixtures.pack(partner, "Inst doomed later", "SINGLE");
        fixtures.add(partner, doomed, fixtures.shareableProcess(partner, "Doomed later process"));
        fixtures.releaseNow(doomed);
        fixtures.group(partner, "Doomed later group", account, doomed);
        ApiResponse installed = install(account, obj("integrationPackId", doomed));
        assertEquals(201, installed.status(), installed::toString);
        String id = installed.string("id");
        fixtures.exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", doomed);
        assertProblem(404, seen(api.get(INSTANCES + "/" + id, Tokens.account(account))));
        assertEquals(0, listAll(INSTANCES, Tokens.account(account), 10).size());
        assertProblem(
                404,
                seen(api.put(INSTANCES + "/" + id + "/extensions", Tokens.account(account), obj("values", obj()))));
        assertProblem(404, seen(api.delete(INSTANCES + "/" + id, Tokens.account(account))));
        assertProblem(400, seen(api.get(INSTANCES + "?limit=0", Tokens.account(account))));
    }

    @Test
    void instancesWaitingForAnImmediateReleaseBeingAppliedAreReadable() {
        UUID account = createManaged(partner, "Applying now owner");
        UUID pack = fixtures.pack(partner, "Inst applying now", "SINGLE");
        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Applying now process"));
        fixtures.releaseNow(pack);
        fixtures.group(partner, "Applying now group", account, pack);
        ApiResponse installed = install(account, obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        String id = installed.string("id");
        fixtures.releaseInProgress(pack);

        ApiResponse one = seen(api.get(INSTANCES + "/" + id, Tokens.account(account)));
        assertEquals(200, one.status(), one::toString);
        @SuppressWarnings("unchecked")
        Map<String, Object> pending = (Map<String, Object>) one.get("pendingUpdate");
        assertEquals(2, ((Number) pending.get("releaseNumber")).intValue(), one::toString);
        assertTrue(pending.containsKey("windowStart") && pending.get("windowStart") == null, one::toString);
        assertTrue(pending.containsKey("releaseOnDate") && pending.get("releaseOnDate") == null, one::toString);
        ApiResponse list = seen(api.get(INSTANCES, Tokens.account(account)));
        assertEquals(200, list.status(), list::toString);
        ApiResponse asPartner = seen(api.get(INSTANCES + "/" + id + "?accountId=" + account, Tokens.account(partner)));
        assertEquals(200, asPartner.status(), asPartner::toString);

        // no worker applies it here: the apply is under way, so the answer is 202 with where to look
        ApiResponse apply =
                seen(api.post(INSTANCES + "/" + id + "/apply-pending-update", Tokens.account(account), obj()));
        assertEquals(202, apply.status(), apply::toString);
        assertEquals(
                INSTANCES + "/" + id, apply.headers().firstValue("Location").orElse(null), apply::toString);
    }

    @Test
    void environmentsAreAttachedAndDetached() {
        UUID account = createManaged(partner, "Attaching account");
        fixtures.group(partner, "Attaching group", account, multi);
        UUID prod = fixtures.environment(account, "Prod");
        UUID test = fixtures.environment(account, "Test");
        UUID foreign = fixtures.environment(sibling, "Sibling env");
        String a = install(account, obj("integrationPackId", multi, "integrationPackOverrideName", "A"))
                .string("id");
        String b = install(account, obj("integrationPackId", multi, "integrationPackOverrideName", "B"))
                .string("id");
        String attachments = INSTANCES + "/" + a + "/environment-attachments";

        ApiResponse attached = seen(api.post(attachments, Tokens.account(account), obj("environmentId", prod)));
        assertEquals(201, attached.status(), attached::toString);
        assertEquals(
                Set.of("id", "environmentId", "integrationPackInstanceId"),
                attached.body().keySet());
        assertEquals(prod.toString(), attached.string("environmentId"));
        assertEquals(a, attached.string("integrationPackInstanceId"));
        ApiResponse byPartner =
                seen(api.post(attachments, Tokens.account(partner), obj("accountId", account, "environmentId", test)));
        assertEquals(201, byPartner.status(), byPartner::toString);
        // MULTI instances may share an environment
        ApiResponse shared = seen(api.post(
                INSTANCES + "/" + b + "/environment-attachments", Tokens.account(account), obj("environmentId", prod)));
        assertEquals(201, shared.status(), shared::toString);

        String before = state(account);
        assertProblem(409, seen(api.post(attachments, Tokens.account(account), obj("environmentId", prod))));
        assertProblem(404, seen(api.post(attachments, Tokens.account(account), obj("environmentId", foreign))));
        assertProblem(
                404, seen(api.post(attachments, Tokens.account(account), obj("environmentId", UUID.randomUUID()))));
        assertProblem(400, seen(api.post(attachments, Tokens.account(account), obj())));
        assertEquals(before, state(account));
        assertEquals(
                List.of(prod.toString(), test.toString()),
                seen(api.get(INSTANCES + "/" + a, Tokens.account(account))).get("environmentIds"));

        ApiResponse detached =
                seen(api.delete(attachments + "/" + test + "?accountId=" + account, Tokens.account(partner)));
        assertEquals(204, detached.status(), detached::toString);
        assertProblem(404, seen(api.delete(attachments + "/" + test, Tokens.account(account))));
        assertEquals(
                List.of(prod.toString()),
                seen(api.get(INSTANCES + "/" + a, Tokens.account(account))).get("environmentIds"));

        // deleting an environment detaches it from every instance
        assertEquals(
                204,
                seen(api.delete("/api/v1/environments/" + prod, Tokens.account(account)))
                        .status());
        assertEquals(
                List.of(),
                seen(api.get(INSTANCES + "/" + a, Tokens.account(account))).get("environmentIds"));
        assertEquals(
                List.of(),
                seen(api.get(INSTANCES + "/" + b, Tokens.account(account))).get("environmentIds"));

        // uninstalling detaches its environments
        seen(api.post(
                INSTANCES + "/" + b + "/environment-attachments", Tokens.account(account), obj("environmentId", test)));
        assertEquals(
                204,
                seen(api.delete(INSTANCES + "/" + b, Tokens.account(account))).status());
        assertEquals(
                0,
                count("SELECT count(*) FROM environment_attachments WHERE integration_pack_instance_id = '" + b + "'"));
        assertEquals(1, count("SELECT count(*) FROM environments WHERE id = '" + test + "'"));
        assertProblem(404, seen(api.delete(INSTANCES + "/" + b, Tokens.account(account))));
        assertProblem(404, seen(api.get(INSTANCES + "/" + b, Tokens.account(account))));
        ApiResponse uninstalledByPartner =
                seen(api.delete(INSTANCES + "/" + a + "?accountId=" + account, Tokens.account(partner)));
        assertEquals(204, uninstalledByPartner.status());
        assertEquals(0, instances(account));
    }

    @Test
    void anInstanceIsAttachedToAtMost100Environments() {
        UUID account = createManaged(partner, "Many environments");
        fixtures.group(partner, "Many environments group", account, multi);
        String instance = install(account, obj("integrationPackId", multi, "integrationPackOverrideName", "Wide"))
                .string("id");
        fixtures.exec("""
                INSERT INTO environments (id, account_id, name, classification, created_at)
                SELECT gen_random_uuid(), ?, 'Env ' || n, 'TEST', now() FROM generate_series(1, 101) n""", account);
        List<String> environments =
                fixtures.column("SELECT id FROM environments WHERE account_id = '" + account + "' ORDER BY id");
        fixtures.exec("""
                INSERT INTO environment_attachments (id, environment_id, integration_pack_instance_id, created_at)
                SELECT gen_random_uuid(), e.id, ?::uuid, now() FROM environments e
                WHERE e.account_id = ? AND e.id <> ?::uuid""", instance, account, environments.get(100));
        String attachments = INSTANCES + "/" + instance + "/environment-attachments";
        String before = state(account);

        ApiResponse refused = assertProblem(
                409, seen(api.post(attachments, Tokens.account(account), obj("environmentId", environments.get(100)))));
        assertTrue(refused.string("detail").contains("100 environments"), refused::toString);
        assertProblem(
                409, seen(api.post(attachments, Tokens.account(account), obj("environmentId", environments.get(0)))));
        assertEquals(before, state(account));
        assertEquals(
                100,
                ((List<?>) seen(api.get(INSTANCES + "/" + instance, Tokens.account(account)))
                                .get("environmentIds"))
                        .size());

        assertEquals(
                204,
                seen(api.delete(attachments + "/" + environments.get(0), Tokens.account(account)))
                        .status());
        ApiResponse attached =
                seen(api.post(attachments, Tokens.account(account), obj("environmentId", environments.get(100))));
        assertEquals(201, attached.status(), attached::toString);
    }

    @Test
    void aPageOfInstancesWithLargeValuesStopsAtAbout1MBAndPagingYieldsEveryInstanceOnce() {
        UUID account = createManaged(partner, "Large values");
        fixtures.group(partner, "Large values group", account, multi);
        UUID release = UUID.fromString(
                fixtures.column("SELECT current_release_id FROM integration_packs WHERE id = '" + multi + "'")
                        .get(0));
        fixtures.instances(account, multi, release, 9);
        // 100 values of 8,000 characters: about 800 kB per instance, 7 MB in all
        fixtures.exec("""
                INSERT INTO instance_extension_values (integration_pack_instance_id, key, value)
                SELECT i.id, 'key.' || k, repeat('v', 8000)
                FROM integration_pack_instances i CROSS JOIN generate_series(1, 100) k
                WHERE i.account_id = ?""", account);
        List<String> instances = fixtures.column(
                "SELECT id FROM integration_pack_instances WHERE account_id = '" + account + "' ORDER BY id");

        List<ApiResponse> pages = pagesWithinBudget(INSTANCES + "?accountId=" + account, Tokens.account(partner), 500);

        assertEquals(instances, itemIds(pages, "id"), "every instance exactly once, in order");
        assertEquals(9, pages.size(), "one instance of about 800 kB per page");
        assertTrue(pages.get(0).get("nextPageToken") != null, "a page full by size is not the last");
        for (ApiResponse page : pages) {
            for (Map<String, Object> instance : page.items()) {
                assertEquals(100, ((Map<?, ?>) instance.get("extensionValues")).size());
            }
        }
        List<ApiResponse> small = pagesWithinBudget(INSTANCES, Tokens.account(customer), 500);
        assertEquals(1, small.size(), "small instances fill a page by limit only");
    }

    @Test
    void tenantMatrix() {
        Map<String, Object> owned = installSingle(customer, customer);
        String id = (String) owned.get("id");
        UUID environment = fixtures.environment(customer, "Matrix env");
        String before = state(customer);
        for (UUID intruder : List.of(sibling, otherCustomer, otherPartner)) {
            String token = Tokens.account(intruder);
            String as = "?accountId=" + customer;
            assertProblem(404, install(intruder, obj("accountId", customer, "integrationPackId", single)));
            assertProblem(404, seen(api.get(INSTANCES + as, token)));
            assertProblem(404, seen(api.get(INSTANCES + "/" + id + as, token)));
            assertProblem(404, seen(api.delete(INSTANCES + "/" + id + as, token)));
            assertProblem(
                    404, seen(api.put(INSTANCES + "/" + id + "/extensions" + as, token, obj("values", values()))));
            assertProblem(
                    404,
                    seen(api.post(
                            INSTANCES + "/" + id + "/environment-attachments",
                            token,
                            obj("accountId", customer, "environmentId", environment))));
            assertProblem(
                    404,
                    seen(api.delete(INSTANCES + "/" + id + "/environment-attachments/" + environment + as, token)));
        }
        // the sibling acting for itself does not see the customer's instance either
        assertProblem(404, seen(api.get(INSTANCES + "/" + id, Tokens.account(sibling))));
        assertProblem(404, seen(api.delete(INSTANCES + "/" + id, Tokens.account(sibling))));
        String admin = Tokens.admin();
        String as = "?accountId=" + customer;
        assertProblem(403, seen(api.post(INSTANCES, admin, obj("accountId", customer, "integrationPackId", single))));
        assertProblem(403, seen(api.get(INSTANCES + as, admin)));
        assertProblem(403, seen(api.get(INSTANCES + "/" + id + as, admin)));
        assertProblem(403, seen(api.delete(INSTANCES + "/" + id + as, admin)));
        assertProblem(403, seen(api.put(INSTANCES + "/" + id + "/extensions" + as, admin, obj("values", values()))));
        assertProblem(
                403,
                seen(api.post(
                        INSTANCES + "/" + id + "/environment-attachments",
                        admin,
                        obj("accountId", customer, "environmentId", environment))));
        assertProblem(
                403, seen(api.delete(INSTANCES + "/" + id + "/environment-attachments/" + environment + as, admin)));
        assertEquals(
                401,
                seen(api.post(INSTANCES, null, obj("integrationPackId", single)))
                        .status());
        assertEquals(401, seen(api.get(INSTANCES, null)).status());
        assertEquals(401, seen(api.get(INSTANCES + "/" + id, null)).status());
        assertEquals(401, seen(api.delete(INSTANCES + "/" + id, null)).status());
        assertEquals(
                401,
                seen(api.put(INSTANCES + "/" + id + "/extensions", null, obj("values", values())))
                        .status());
        assertEquals(
                401,
                seen(api.post(
                                INSTANCES + "/" + id + "/environment-attachments",
                                null,
                                obj("environmentId", environment)))
                        .status());
        assertEquals(
                401,
                seen(api.delete(INSTANCES + "/" + id + "/environment-attachments/" + environment, null))
                        .status());
        assertEquals(before, state(customer));
    }

    @Test
    void concurrentInstallsOfASinglePackCreateOneInstance() throws Exception {
        UUID account = createManaged(partner, "Racing installer");
        fixtures.group(partner, "Racing group", account, single);
        int parallel = 20;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            CyclicBarrier start = new CyclicBarrier(parallel);
            List<Future<ApiResponse>> results = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                Callable<ApiResponse> call = () -> {
                    Map<String, Object> body = singleBody(null, values());
                    body.put("integrationPackId", single);
                    start.await();
                    return api.post(INSTANCES, Tokens.account(account), body);
                };
                results.add(pool.submit(call));
            }
            int created = 0;
            int conflicts = 0;
            for (Future<ApiResponse> result : results) {
                ApiResponse response = seen(result.get());
                if (response.status() == 201) {
                    created++;
                } else {
                    assertProblem(409, response);
                    conflicts++;
                }
            }
            assertEquals(1, created);
            assertEquals(parallel - 1, conflicts);
            assertEquals(1, instances(account));
            assertEquals(
                    2,
                    count("SELECT count(*) FROM instance_extension_values v JOIN integration_pack_instances i"
                            + " ON i.id = v.integration_pack_instance_id WHERE i.account_id = '" + account + "'"));
        } finally {
            pool.shutdownNow();
        }
    }
}
