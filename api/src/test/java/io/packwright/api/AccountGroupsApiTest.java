package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.GroupFixtures;
import io.packwright.api.support.Tokens;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/account-groups} as the partner that owns the groups: every rule of the contract,
 * each refusal with its exact status and proof that it changed nothing. Other roles and tenants
 * are in {@link AccountGroupsTenancyTest}.
 */
class AccountGroupsApiTest extends ApiTestBase {

    private static final String GROUPS = "/api/v1/account-groups";
    private static final UUID FIRST_PAGE = new UUID(0, 0);

    @Inject
    AccountGroupRepository groupStore;

    private GroupFixtures fixtures;
    private CatalogFixtures catalog;
    private UUID partner;
    private String token;
    private UUID customer;
    private UUID secondCustomer;
    private UUID otherPartner;
    private UUID othersCustomer;
    private UUID pack;
    private UUID othersPack;

    @BeforeAll
    void tenants() {
        fixtures = new GroupFixtures(database);
        catalog = new CatalogFixtures(api, database);
        partner = createPartner("Acme", true, true);
        token = Tokens.account(partner);
        customer = createManaged(partner, "Acme Customer 1");
        secondCustomer = createManaged(partner, "Acme Customer 2");
        otherPartner = createPartner("Globex", true, false);
        othersCustomer = createManaged(otherPartner, "Globex Customer 1");
        pack = catalog.pack(partner, "Acme CRM Sync", "SINGLE");
        othersPack = catalog.pack(otherPartner, "Globex ERP Sync", "SINGLE");
    }

    // --- create ---

    @Test
    void createsAnEmptyGroup() {
        ApiResponse created = api.post(GROUPS, token, obj("name", "EMEA customers"));
        assertEquals(201, created.status(), created::toString);
        assertEquals(
                Set.of("id", "name", "accountIds", "integrationPackIds", "accountCount", "integrationPackCount"),
                created.body().keySet());
        String id = created.string("id");
        UUID.fromString(id);
        assertEquals("EMEA customers", created.get("name"));
        assertEquals(List.of(), created.get("accountIds"));
        assertEquals(List.of(), created.get("integrationPackIds"));
        assertEquals(0, ((Number) created.get("accountCount")).intValue());
        assertEquals(0, ((Number) created.get("integrationPackCount")).intValue());
        assertEquals(GROUPS + "/" + id, created.headers().firstValue("location").orElseThrow());

        ApiResponse read = api.get(GROUPS + "/" + id, token);
        assertEquals(200, read.status(), read::toString);
        assertEquals(created.body(), read.body());
    }

    @Test
    void nameMustBeOneTo255VisibleCharacters() {
        String before = fixtures.groupState();
        for (Object name : new Object[] {null, "", "   ", "\t\n", "x".repeat(256), "a\u0000b"}) {
            assertFieldError(assertProblem(400, api.post(GROUPS, token, obj("name", name))), "name");
        }
        assertFieldError(assertProblem(400, api.post(GROUPS, token, obj())), "name");
        assertFieldError(assertProblem(400, api.post(GROUPS, token, "{\"name\": 42}")), "name");
        assertFieldError(assertProblem(400, api.post(GROUPS, token, "{\"name\": [\"a\"]}")), "name");
        assertProblem(400, api.raw("POST", GROUPS, token, "application/json", "{\"name\": \"x\","));
        assertProblem(400, api.raw("POST", GROUPS, token, "application/json", "[\"x\"]"));
        assertProblem(400, api.raw("POST", GROUPS, token, "application/json", ""));
        assertProblem(415, api.raw("POST", GROUPS, token, "text/plain", "name=x"));
        assertEquals(before, fixtures.groupState());

        ApiResponse longest = api.post(GROUPS, token, obj("name", "x".repeat(255)));
        assertEquals(201, longest.status(), longest::toString);
        ApiResponse unicode = api.post(GROUPS, token, obj("name", "Kunden Süd 🇩🇪"));
        assertEquals(201, unicode.status(), unicode::toString);
        assertEquals("Kunden Süd 🇩🇪", unicode.get("name"));
    }

    @Test
    void nameIsUniquePerPartner() {
        assertEquals(201, api.post(GROUPS, token, obj("name", "Gold")).status());
        String before = fixtures.groupState();

        ApiResponse duplicate = assertProblem(409, api.post(GROUPS, token, obj("name", "Gold")));
        assertTrue(duplicate.string("detail").contains("'Gold'"), duplicate::toString);
        assertEquals(before, fixtures.groupState());

        ApiResponse othersGold = api.post(GROUPS, Tokens.account(otherPartner), obj("name", "Gold"));
        assertEquals(201, othersGold.status(), "another partner may use the same name: " + othersGold);
        ApiResponse otherCase = api.post(GROUPS, token, obj("name", "gold"));
        assertEquals(201, otherCase.status(), "names are compared exactly: " + otherCase);
    }

    @Test
    void aDeletedGroupsNameCanBeUsedAgain() {
        String id = createGroup("Reused").toString();
        assertEquals(204, api.delete(GROUPS + "/" + id, token).status());
        ApiResponse again = api.post(GROUPS, token, obj("name", "Reused"));
        assertEquals(201, again.status(), again::toString);
        assertNotEquals(id, again.get("id"));
    }

    @Test
    void retryWithTheSameIdempotencyKeyReplaysTheFirstResponse() {
        Map<String, String> key = Map.of("Idempotency-Key", "group-" + UUID.randomUUID());
        ApiResponse first = api.post(GROUPS, token, obj("name", "Idempotent"), key);
        assertEquals(201, first.status(), first::toString);
        String after = fixtures.groupState();

        ApiResponse retry = api.post(GROUPS, token, obj("name", "Idempotent"), key);
        assertEquals(201, retry.status(), retry::toString);
        assertEquals(first.body(), retry.body());
        assertEquals(first.headers().firstValue("location"), retry.headers().firstValue("location"));
        assertEquals("true", retry.headers().firstValue("idempotent-replayed").orElse(null));
        assertEquals(after, fixtures.groupState());

        assertProblem(409, api.post(GROUPS, token, obj("name", "Another name"), key));
        assertEquals(after, fixtures.groupState());
    }

    @Test
    void aRefusedCreationLeavesItsIdempotencyKeyUnused() {
        createGroup("Taken");
        Map<String, String> key = Map.of("Idempotency-Key", "group-" + UUID.randomUUID());
        assertProblem(409, api.post(GROUPS, token, obj("name", "Taken"), key));
        assertFieldError(assertProblem(400, api.post(GROUPS, token, obj("name", ""), key)), "name");
        ApiResponse fixed = api.post(GROUPS, token, obj("name", "Not taken"), key);
        assertEquals(201, fixed.status(), fixed::toString);
    }

    // --- list and read ---

    @Test
    void listsTheCallersGroupsInCreationOrderPageByPage() {
        UUID lister = createPartner("Lister", true, false);
        String listerToken = Tokens.account(lister);
        UUID listerCustomer = createManaged(lister, "Lister Customer");
        UUID listerPack = catalog.pack(lister, "Lister Pack", "SINGLE");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ApiResponse group = api.post(GROUPS, listerToken, obj("name", "Group " + i));
            assertEquals(201, group.status(), group::toString);
            created.add(group.string("id"));
        }
        assertEquals(
                204,
                api.put(GROUPS + "/" + created.get(3) + "/accounts/" + listerCustomer, listerToken, "")
                        .status());
        assertEquals(
                204,
                api.put(GROUPS + "/" + created.get(3) + "/integration-packs/" + listerPack, listerToken, "")
                        .status());

        List<Map<String, Object>> listed = listAll(GROUPS, listerToken, 2);
        assertEquals(created, listed.stream().map(group -> group.get("id")).toList());
        Map<String, Object> withMembers = listed.get(3);
        assertEquals(List.of(listerCustomer.toString()), withMembers.get("accountIds"));
        assertEquals(List.of(listerPack.toString()), withMembers.get("integrationPackIds"));
        assertEquals(List.of(), listed.get(0).get("accountIds"));
        assertEquals(1, ((Number) withMembers.get("accountCount")).intValue());
        assertEquals(1, ((Number) withMembers.get("integrationPackCount")).intValue());
        assertEquals(
                Set.of("id", "name", "accountIds", "integrationPackIds", "accountCount", "integrationPackCount"),
                listed.get(0).keySet());

        ApiResponse all = api.get(GROUPS + "?limit=5", listerToken);
        assertEquals(5, all.items().size());
        assertTrue(all.body().containsKey("nextPageToken"));
        assertNull(all.get("nextPageToken"));
        ApiResponse defaults = api.get(GROUPS, listerToken);
        assertEquals(5, defaults.items().size(), "default page size 50");
    }

    @Test
    void aPartnerWithoutGroupsGetsAnEmptyList() {
        UUID lonely = createPartner("Lonely", false, false);
        ApiResponse empty = api.get(GROUPS, Tokens.account(lonely));
        assertEquals(200, empty.status(), empty::toString);
        assertEquals(List.of(), empty.items());
        assertNull(empty.get("nextPageToken"));
    }

    @Test
    void listParametersAreValidated() {
        assertEquals(200, api.get(GROUPS + "?limit=500", token).status());
        assertFieldError(assertProblem(400, api.get(GROUPS + "?limit=501", token)), "limit");
        assertFieldError(assertProblem(400, api.get(GROUPS + "?limit=0", token)), "limit");
        assertProblem(400, api.get(GROUPS + "?limit=many", token));
        assertFieldError(assertProblem(400, api.get(GROUPS + "?pageToken=garbage", token)), "pageToken");
    }

    @Test
    void unknownAndMalformedGroupIds() {
        UUID unknown = UUID.randomUUID();
        ApiResponse missing = assertProblem(404, api.get(GROUPS + "/" + unknown, token));
        assertTrue(missing.string("detail").contains(unknown.toString()), missing::toString);
        assertProblem(404, api.delete(GROUPS + "/" + unknown, token));
        assertProblem(404, api.put(GROUPS + "/" + unknown + "/accounts/" + customer, token, ""));
        assertProblem(404, api.delete(GROUPS + "/" + unknown + "/accounts/" + customer, token));
        assertProblem(404, api.put(GROUPS + "/" + unknown + "/integration-packs/" + pack, token, ""));
        assertProblem(404, api.delete(GROUPS + "/" + unknown + "/integration-packs/" + pack, token));

        UUID group = createGroup("Malformed ids");
        String before = fixtures.groupState();
        assertProblem(400, api.get(GROUPS + "/not-a-uuid", token));
        assertProblem(400, api.delete(GROUPS + "/not-a-uuid", token));
        assertProblem(400, api.put(GROUPS + "/" + group + "/accounts/not-a-uuid", token, ""));
        assertProblem(400, api.delete(GROUPS + "/" + group + "/accounts/not-a-uuid", token));
        assertProblem(400, api.put(GROUPS + "/" + group + "/integration-packs/42", token, ""));
        assertProblem(400, api.delete(GROUPS + "/" + group + "/integration-packs/42", token));
        assertProblem(405, api.raw("PATCH", GROUPS + "/" + group, token, "application/json", "{}"));
        assertEquals(before, fixtures.groupState());
    }

    // --- members ---

    @Test
    void addsAndRemovesMembersIdempotently() {
        UUID group = createGroup("Members");
        String path = GROUPS + "/" + group + "/accounts/";

        assertNoContent(api.put(path + customer, token, ""));
        assertNoContent(api.put(path + customer, token, ""));
        assertNoContent(api.raw("PUT", path + secondCustomer, token, null, ""));
        assertEquals(
                List.of(customer.toString(), secondCustomer.toString()),
                read(group).get("accountIds"));
        assertEquals(2, count("SELECT count(*) FROM account_group_members WHERE account_group_id = '" + group + "'"));

        assertNoContent(api.delete(path + customer, token));
        assertNoContent(api.delete(path + customer, token));
        assertEquals(List.of(secondCustomer.toString()), read(group).get("accountIds"));
        assertEquals(1, count("SELECT count(*) FROM accounts WHERE id = '" + customer + "'"), "the account stays");
    }

    @Test
    void membersAreOnlyTheCallersOwnManagedAccounts() {
        UUID group = createGroup("Only mine");
        assertNoContent(api.put(GROUPS + "/" + group + "/accounts/" + secondCustomer, token, ""));
        String before = fixtures.groupState();
        for (UUID notMine : List.of(othersCustomer, otherPartner, partner, UUID.randomUUID())) {
            ApiResponse added = assertProblem(404, api.put(GROUPS + "/" + group + "/accounts/" + notMine, token, ""));
            assertTrue(added.string("detail").contains(notMine.toString()), added::toString);
            assertTrue(added.string("detail").contains("GET /api/v1/accounts"), added::toString);
            assertProblem(404, api.delete(GROUPS + "/" + group + "/accounts/" + notMine, token));
        }
        assertEquals(before, fixtures.groupState());
        assertEquals(List.of(secondCustomer.toString()), read(group).get("accountIds"));
    }

    @Test
    void anotherPartnersAccountLooksExactlyLikeAnUnknownOne() {
        UUID group = createGroup("Indistinguishable");
        ApiResponse foreign = api.put(GROUPS + "/" + group + "/accounts/" + othersCustomer, token, "");
        ApiResponse unknown = api.put(GROUPS + "/" + group + "/accounts/" + UUID.randomUUID(), token, "");
        assertEquals(foreign.status(), unknown.status());
        assertEquals(foreign.get("type"), unknown.get("type"));
        assertEquals(
                foreign.string("detail").replace(othersCustomer.toString(), "?"),
                unknown.string("detail").replaceAll("[0-9a-f-]{36}", "?"));
        assertFalse(foreign.raw().contains("Globex"), foreign::toString);
    }

    @Test
    void anAccountMayBeInManyGroups() {
        UUID first = createGroup("First of many");
        UUID second = createGroup("Second of many");
        assertNoContent(api.put(GROUPS + "/" + first + "/accounts/" + customer, token, ""));
        assertNoContent(api.put(GROUPS + "/" + second + "/accounts/" + customer, token, ""));
        assertNoContent(api.delete(GROUPS + "/" + first + "/accounts/" + customer, token));
        assertEquals(List.of(), read(first).get("accountIds"));
        assertEquals(List.of(customer.toString()), read(second).get("accountIds"));
    }

    // --- pack resources ---

    @Test
    void addsAndRemovesPacksIdempotently() {
        UUID group = createGroup("Packs");
        UUID multi = catalog.pack(partner, "Acme Multi", "MULTI");
        String path = GROUPS + "/" + group + "/integration-packs/";

        assertNoContent(api.put(path + pack, token, ""));
        assertNoContent(api.put(path + pack, token, ""));
        assertNoContent(api.put(path + multi, token, ""));
        assertEquals(List.of(pack.toString(), multi.toString()), read(group).get("integrationPackIds"));

        assertNoContent(api.delete(path + pack, token));
        assertNoContent(api.delete(path + pack, token));
        assertEquals(List.of(multi.toString()), read(group).get("integrationPackIds"));
        assertEquals(1, count("SELECT count(*) FROM integration_packs WHERE id = '" + pack + "'"), "the pack stays");
    }

    @Test
    void packsAreOnlyTheCallersOwnLivePacks() {
        UUID group = createGroup("Only my packs");
        UUID deleted = catalog.pack(partner, "Acme Deleted", "SINGLE");
        fixtures.softDeletePack(deleted);
        String before = fixtures.groupState();
        for (UUID notMine : List.of(othersPack, deleted, UUID.randomUUID(), customer)) {
            ApiResponse added =
                    assertProblem(404, api.put(GROUPS + "/" + group + "/integration-packs/" + notMine, token, ""));
            assertTrue(added.string("detail").contains(notMine.toString()), added::toString);
            assertFalse(added.raw().contains("Globex"), added::toString);
            assertProblem(404, api.delete(GROUPS + "/" + group + "/integration-packs/" + notMine, token));
        }
        assertEquals(before, fixtures.groupState());
    }

    @Test
    void aDeletedPackDisappearsFromItsGroups() {
        UUID group = createGroup("Loses a pack");
        UUID doomed = catalog.pack(partner, "Acme Doomed", "SINGLE");
        assertNoContent(api.put(GROUPS + "/" + group + "/integration-packs/" + doomed, token, ""));
        assertNoContent(api.put(GROUPS + "/" + group + "/integration-packs/" + pack, token, ""));

        fixtures.softDeletePack(doomed);

        assertEquals(List.of(pack.toString()), read(group).get("integrationPackIds"));
        Map<String, Object> listed = listAll(GROUPS, token, 500).stream()
                .filter(g -> g.get("id").equals(group.toString()))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(pack.toString()), listed.get("integrationPackIds"));
        assertProblem(404, api.delete(GROUPS + "/" + group + "/integration-packs/" + doomed, token));
    }

    // --- large groups ---

    @Test
    void aLargeGroupListsItsFirst100MembersAndPacksWithCountsAndPagesThroughAllOfThem() {
        UUID big = createPartner("Big", true, false);
        String bigToken = Tokens.account(big);
        UUID group = UUID.fromString(
                api.post(GROUPS, bigToken, obj("name", "Everyone")).string("id"));
        catalog.exec("""
                INSERT INTO accounts (id, name, type, parent_account_id, created_at, updated_at)
                SELECT gen_random_uuid(), 'Customer ' || n, 'MANAGED', ?, now(), now()
                FROM generate_series(1, 150) n""", big);
        catalog.exec("""
                INSERT INTO account_group_members (account_group_id, account_id, added_at)
                SELECT ?, id, now() FROM accounts WHERE parent_account_id = ?""", group, big);
        catalog.exec("""
                INSERT INTO integration_packs (id, partner_account_id, name, installation_type, created_at, updated_at)
                SELECT gen_random_uuid(), ?, 'Pack ' || n, 'SINGLE', now(), now()
                FROM generate_series(1, 121) n""", big);
        catalog.exec("""
                INSERT INTO account_group_packs (account_group_id, integration_pack_id, added_at)
                SELECT ?, id, now() FROM integration_packs WHERE partner_account_id = ?""", group, big);
        List<String> accounts =
                catalog.column("SELECT id FROM accounts WHERE parent_account_id = '" + big + "' ORDER BY id");
        List<String> packs =
                catalog.column("SELECT id FROM integration_packs WHERE partner_account_id = '" + big + "' ORDER BY id");
        fixtures.softDeletePack(UUID.fromString(packs.get(7)));
        List<String> livePacks = new ArrayList<>(packs);
        livePacks.remove(7);

        ApiResponse read = api.get(GROUPS + "/" + group, bigToken);
        assertEquals(200, read.status(), read::toString);
        assertEquals(accounts.subList(0, 100), read.get("accountIds"));
        assertEquals(150, ((Number) read.get("accountCount")).intValue());
        assertEquals(livePacks.subList(0, 100), read.get("integrationPackIds"));
        assertEquals(120, ((Number) read.get("integrationPackCount")).intValue());
        Map<String, Object> listed = listAll(GROUPS, bigToken, 50).get(0);
        assertEquals(read.body(), listed);

        List<Map<String, Object>> members = listAll(GROUPS + "/" + group + "/accounts", bigToken, 40);
        assertEquals(accounts, members.stream().map(m -> m.get("accountId")).toList());
        assertEquals(
                Set.of("accountId", "accountName", "addedAt"), members.get(0).keySet());
        assertTrue(members.stream().allMatch(m -> ((String) m.get("accountName")).startsWith("Customer ")));
        List<Map<String, Object>> shared = listAll(GROUPS + "/" + group + "/integration-packs", bigToken, 500);
        assertEquals(
                livePacks, shared.stream().map(p -> p.get("integrationPackId")).toList());
        assertEquals(
                Set.of("integrationPackId", "integrationPackName", "addedAt"),
                shared.get(0).keySet());
        assertTrue(shared.stream().allMatch(p -> ((String) p.get("integrationPackName")).startsWith("Pack ")));

        assertFieldError(assertProblem(400, api.get(GROUPS + "/" + group + "/accounts?limit=0", bigToken)), "limit");
        assertFieldError(
                assertProblem(400, api.get(GROUPS + "/" + group + "/integration-packs?pageToken=x", bigToken)),
                "pageToken");
        assertProblem(404, api.get(GROUPS + "/" + UUID.randomUUID() + "/accounts", bigToken));
        assertProblem(404, api.get(GROUPS + "/" + UUID.randomUUID() + "/integration-packs", bigToken));
    }

    @Test
    void aPageOfGroupsThatListManyStopsAtAbout1MB() {
        UUID big = createPartner("Many big groups", true, false);
        String bigToken = Tokens.account(big);
        catalog.exec("""
                INSERT INTO accounts (id, name, type, parent_account_id, created_at, updated_at)
                SELECT gen_random_uuid(), 'Customer ' || n, 'MANAGED', ?, now(), now()
                FROM generate_series(1, 100) n""", big);
        catalog.exec("""
                INSERT INTO integration_packs (id, partner_account_id, name, installation_type, created_at, updated_at)
                SELECT gen_random_uuid(), ?, 'Pack ' || n, 'SINGLE', now(), now()
                FROM generate_series(1, 100) n""", big);
        // 200 groups of 100 members and 100 packs: about 8 kB each, 1.6 MB for a page of all of them
        catalog.exec("""
                INSERT INTO account_groups (id, partner_account_id, name, created_at)
                SELECT gen_random_uuid(), ?, 'Group ' || n, now() FROM generate_series(1, 200) n""", big);
        catalog.exec("""
                INSERT INTO account_group_members (account_group_id, account_id, added_at)
                SELECT g.id, a.id, now() FROM account_groups g JOIN accounts a ON a.parent_account_id = g.partner_account_id
                WHERE g.partner_account_id = ?""", big);
        catalog.exec("""
                INSERT INTO account_group_packs (account_group_id, integration_pack_id, added_at)
                SELECT g.id, p.id, now() FROM account_groups g
                JOIN integration_packs p ON p.partner_account_id = g.partner_account_id
                WHERE g.partner_account_id = ?""", big);

        ApiResponse first = api.get(GROUPS + "?limit=500", bigToken);
        assertEquals(200, first.status(), first::toString);
        assertTrue(first.raw().getBytes(StandardCharsets.UTF_8).length <= PageRequest.MAX_PAGE_BYTES, "body size");
        assertTrue(first.items().size() < 200, () -> first.items().size() + " groups on one page");
        assertNotNull(first.get("nextPageToken"));
        List<Map<String, Object>> all = listAll(GROUPS, bigToken, 500);
        assertEquals(
                catalog.column("SELECT id FROM account_groups WHERE partner_account_id = '" + big + "' ORDER BY id"),
                all.stream().map(g -> g.get("id")).toList());
        assertTrue(all.stream().allMatch(g -> ((List<?>) g.get("accountIds")).size() == 100), "each lists 100");
    }

    // --- delete ---

    @Test
    void deletingAGroupTakesItsMembershipsAndResourcesButKeepsAccountsPacksAndInstances() {
        UUID group = createGroup("Doomed group");
        UUID kept = createGroup("Kept group");
        for (UUID g : List.of(group, kept)) {
            assertNoContent(api.put(GROUPS + "/" + g + "/accounts/" + customer, token, ""));
            assertNoContent(api.put(GROUPS + "/" + g + "/integration-packs/" + pack, token, ""));
        }
        long accounts = count("SELECT count(*) FROM accounts");
        long packs = count("SELECT count(*) FROM integration_packs WHERE deleted_at IS NULL");
        long instances = count("SELECT count(*) FROM integration_pack_instances");

        assertNoContent(api.delete(GROUPS + "/" + group, token));

        assertProblem(404, api.get(GROUPS + "/" + group, token));
        assertProblem(404, api.delete(GROUPS + "/" + group, token));
        assertEquals(0, count("SELECT count(*) FROM account_group_members WHERE account_group_id = '" + group + "'"));
        assertEquals(0, count("SELECT count(*) FROM account_group_packs WHERE account_group_id = '" + group + "'"));
        assertEquals(accounts, count("SELECT count(*) FROM accounts"));
        assertEquals(packs, count("SELECT count(*) FROM integration_packs WHERE deleted_at IS NULL"));
        assertEquals(instances, count("SELECT count(*) FROM integration_pack_instances"));
        Map<String, Object> other = read(kept);
        assertEquals(List.of(customer.toString()), other.get("accountIds"));
        assertEquals(List.of(pack.toString()), other.get("integrationPackIds"));
    }

    // --- the visibility rule, driven through the API ---

    @Test
    void aManagedAccountSeesAPackOnlyWhileAGroupOfItSharesIt() {
        UUID seer = createManaged(partner, "Seer");
        UUID shared = catalog.pack(partner, "Acme Shared", "SINGLE");
        UUID group = createGroup("Visibility");
        assertFalse(groupStore.isPackVisibleToAccount(shared, seer));

        assertNoContent(api.put(GROUPS + "/" + group + "/integration-packs/" + shared, token, ""));
        assertFalse(groupStore.isPackVisibleToAccount(shared, seer), "the pack is shared, the account not a member");
        assertNoContent(api.put(GROUPS + "/" + group + "/accounts/" + seer, token, ""));
        assertTrue(groupStore.isPackVisibleToAccount(shared, seer));
        assertEquals(List.of(shared), groupStore.findPackIdsVisibleToAccount(seer, FIRST_PAGE, 10));
        assertFalse(groupStore.isPackVisibleToAccount(shared, othersCustomer));
        UUID instance = fixtures.installReleasedPack(seer, shared);

        assertNoContent(api.delete(GROUPS + "/" + group + "/integration-packs/" + shared, token));
        assertFalse(groupStore.isPackVisibleToAccount(shared, seer), "removing the pack stops new installs");
        assertEquals(List.of(), groupStore.findPackIdsVisibleToAccount(seer, FIRST_PAGE, 10));
        assertEquals(
                1,
                count("SELECT count(*) FROM integration_pack_instances WHERE id = '" + instance + "'"),
                "the installed instance stays");

        assertNoContent(api.put(GROUPS + "/" + group + "/integration-packs/" + shared, token, ""));
        assertTrue(groupStore.isPackVisibleToAccount(shared, seer));
        assertNoContent(api.delete(GROUPS + "/" + group + "/accounts/" + seer, token));
        assertFalse(groupStore.isPackVisibleToAccount(shared, seer), "leaving the group hides it");

        assertNoContent(api.put(GROUPS + "/" + group + "/accounts/" + seer, token, ""));
        assertTrue(groupStore.isPackVisibleToAccount(shared, seer));
        assertNoContent(api.delete(GROUPS + "/" + group, token));
        assertFalse(groupStore.isPackVisibleToAccount(shared, seer), "deleting the group hides it");
        assertEquals(1, count("SELECT count(*) FROM integration_pack_instances WHERE id = '" + instance + "'"));
    }

    // --- helpers ---

    private UUID createGroup(String name) {
        ApiResponse created = api.post(GROUPS, token, obj("name", name));
        assertEquals(201, created.status(), created::toString);
        return UUID.fromString(created.string("id"));
    }

    private Map<String, Object> read(UUID group) {
        ApiResponse read = api.get(GROUPS + "/" + group, token);
        assertEquals(200, read.status(), read::toString);
        return read.body();
    }

    private static void assertNoContent(ApiResponse response) {
        assertEquals(204, response.status(), response::toString);
        assertTrue(response.raw().isEmpty(), response::toString);
    }
}
