package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/environments} and {@code /api/v1/available-integration-packs}, as the managed
 * account and as its partner acting for it, with the tenant matrix.
 */
class EnvironmentsApiTest extends CatalogApiTestBase {

    private static final String ENVS = "/api/v1/environments";

    private UUID partner;
    private UUID customer;
    private UUID sibling;
    private UUID otherPartner;
    private UUID otherCustomer;

    @BeforeAll
    void accounts() {
        partner = createPartner("Env Partner", true, true);
        customer = createManaged(partner, "Env Customer");
        sibling = createManaged(partner, "Env Sibling");
        otherPartner = createPartner("Env Other Partner", true, true);
        otherCustomer = createManaged(otherPartner, "Env Other Customer");
    }

    private long environments(UUID account) {
        return count("SELECT count(*) FROM environments WHERE account_id = '" + account + "'");
    }

    @Test
    void managedAccountCreatesListsAndDeletesItsEnvironments() {
        UUID customer = createManaged(partner, "Env Own Customer");
        ApiResponse created =
                api.post(ENVS, Tokens.account(customer), obj("name", "Production", "classification", "PROD"));
        assertEquals(201, created.status(), created::toString);
        assertEquals(customer.toString(), created.string("accountId"));
        assertEquals("Production", created.string("name"));
        assertEquals("PROD", created.string("classification"));
        assertEquals(
                "/api/v1/environments/" + created.string("id"),
                created.headers().firstValue("Location").orElse(null));

        assertProblem(
                409, api.post(ENVS, Tokens.account(customer), obj("name", "Production", "classification", "TEST")));
        assertEquals(1, environments(customer));

        List<Map<String, Object>> all = listAll(ENVS, Tokens.account(customer), 1);
        assertEquals(1, all.size());
        assertEquals(created.string("id"), all.get(0).get("id"));

        ApiResponse deleted = api.delete(ENVS + "/" + created.string("id"), Tokens.account(customer));
        assertEquals(204, deleted.status(), deleted::toString);
        assertEquals(0, environments(customer));
        assertProblem(404, api.delete(ENVS + "/" + created.string("id"), Tokens.account(customer)));
    }

    @Test
    void partnerActsForItsManagedAccount() {
        ApiResponse created = api.post(
                ENVS, Tokens.account(partner), obj("accountId", sibling, "name", "Test", "classification", "TEST"));
        assertEquals(201, created.status(), created::toString);
        assertEquals(sibling.toString(), created.string("accountId"));
        assertEquals(
                1,
                listAll(ENVS + "?accountId=" + sibling, Tokens.account(partner), 10)
                        .size());
        assertEquals(1, listAll(ENVS, Tokens.account(sibling), 10).size());

        assertFieldError(
                assertProblem(400, api.post(ENVS, Tokens.account(partner), obj("name", "X", "classification", "TEST"))),
                "accountId");
        assertFieldError(assertProblem(400, api.get(ENVS, Tokens.account(partner))), "accountId");

        ApiResponse deleted =
                api.delete(ENVS + "/" + created.string("id") + "?accountId=" + sibling, Tokens.account(partner));
        assertEquals(204, deleted.status(), deleted::toString);
        assertEquals(0, environments(sibling));
    }

    @Test
    void invalidBodiesAre400AndCreateNothing() {
        long before = count("SELECT count(*) FROM environments");
        assertFieldError(
                assertProblem(400, api.post(ENVS, Tokens.account(customer), obj("name", "", "classification", "PROD"))),
                "name");
        assertProblem(400, api.post(ENVS, Tokens.account(customer), obj("name", "A", "classification", "STAGE")));
        assertProblem(400, api.post(ENVS, Tokens.account(customer), obj("name", "A")));
        assertProblem(400, api.raw("POST", ENVS, Tokens.account(customer), "application/json", "{\"name\":"));
        assertEquals(before, count("SELECT count(*) FROM environments"));
    }

    @Test
    void tenantMatrix() {
        UUID environment = fixtures.environment(customer, "Tenancy env");
        long before = count("SELECT count(*) FROM environments");
        Map<String, Object> body = obj("accountId", customer, "name", "Intruder", "classification", "PROD");
        // another managed account of the same partner, a managed account of another partner, another partner
        for (UUID intruder : List.of(sibling, otherCustomer, otherPartner)) {
            String token = Tokens.account(intruder);
            assertProblem(404, api.post(ENVS, token, body));
            assertProblem(404, api.get(ENVS + "?accountId=" + customer, token));
            assertProblem(404, api.delete(ENVS + "/" + environment + "?accountId=" + customer, token));
            assertProblem(404, api.get("/api/v1/available-integration-packs?accountId=" + customer, token));
        }
        // the environment id alone, without acting for its account, is unknown to another account
        assertProblem(404, api.delete(ENVS + "/" + environment, Tokens.account(sibling)));
        assertProblem(
                404,
                api.post(
                        ENVS,
                        Tokens.account(partner),
                        obj("accountId", UUID.randomUUID(), "name", "N", "classification", "PROD")));
        assertProblem(403, api.post(ENVS, Tokens.admin(), body));
        assertProblem(403, api.get(ENVS + "?accountId=" + customer, Tokens.admin()));
        assertProblem(403, api.delete(ENVS + "/" + environment + "?accountId=" + customer, Tokens.admin()));
        assertProblem(403, api.get("/api/v1/available-integration-packs?accountId=" + customer, Tokens.admin()));
        assertEquals(401, api.post(ENVS, null, body).status());
        assertEquals(401, api.get(ENVS, null).status());
        assertEquals(401, api.delete(ENVS + "/" + environment, null).status());
        assertEquals(401, api.get("/api/v1/available-integration-packs", null).status());
        assertEquals(before, count("SELECT count(*) FROM environments"));
    }

    @Test
    void availablePacksAreTheSharedOnesWithACurrentRelease() {
        UUID reader = createManaged(partner, "Available reader");
        UUID released = fixtures.pack(partner, "Released pack", "SINGLE");
        fixtures.add(partner, released, fixtures.shareableProcess(partner, "Avail process"));
        fixtures.releaseNow(released);
        fixtures.scheduleRelease(released, LocalDate.now().plusDays(10));
        UUID unreleased = fixtures.pack(partner, "Unreleased pack", "MULTI");
        UUID notShared = fixtures.pack(partner, "Not shared pack", "SINGLE");
        fixtures.add(partner, notShared, fixtures.shareableProcess(partner, "Avail process 2"));
        fixtures.releaseNow(notShared);
        fixtures.group(partner, "Avail group", reader, released);
        fixtures.exec(
                "INSERT INTO account_group_packs (account_group_id, integration_pack_id, added_at)"
                        + " SELECT id, ?::uuid, now() FROM account_groups WHERE name = 'Avail group'",
                unreleased);

        for (UUID caller : List.of(reader, partner)) {
            String path =
                    "/api/v1/available-integration-packs" + (caller.equals(partner) ? "?accountId=" + reader : "");
            List<Map<String, Object>> packs = listAll(path, Tokens.account(caller), 1);
            assertEquals(1, packs.size(), packs::toString);
            Map<String, Object> pack = packs.get(0);
            assertEquals(released.toString(), pack.get("id"));
            assertEquals("Released pack", pack.get("name"));
            assertEquals("SINGLE", pack.get("installationType"));
            assertEquals(1, ((Number) ((Map<?, ?>) pack.get("currentRelease")).get("releaseNumber")).intValue());
            assertEquals(2, ((Number) ((Map<?, ?>) pack.get("pendingRelease")).get("releaseNumber")).intValue());
        }
        // a deleted pack is gone at once
        fixtures.exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", released);
        assertEquals(
                0,
                listAll("/api/v1/available-integration-packs", Tokens.account(reader), 5)
                        .size());
    }
}
