package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiClient;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.GroupFixtures;
import io.packwright.api.support.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call {@code /api/v1/account-groups}: every endpoint, called by another partner (404 for
 * the owner's group, never its data), by a managed account (403), by a platform operator (403) and
 * without a valid token (401), changes nothing. Plus the races: concurrent creates of one name,
 * concurrent adds, and a group deleted while members are added.
 */
class AccountGroupsTenancyTest extends ApiTestBase {

    private static final String GROUPS = "/api/v1/account-groups";

    private GroupFixtures fixtures;
    private CatalogFixtures catalog;
    private UUID owner;
    private UUID member;
    private UUID outsider;
    private UUID pack;
    private UUID group;
    private UUID intruder;
    private UUID intrudersCustomer;
    private UUID intrudersPack;
    private UUID intrudersGroup;
    private ExecutorService pool;

    /** A call of one endpoint, given the group, account and pack ids to put in its path. */
    private record Call(String name, int ownerStatus, Function<Target, ApiResponse> send) {
        @Override
        public String toString() {
            return name;
        }
    }

    private record Target(ApiClient api, String token, UUID group, UUID account, UUID pack) {}

    @BeforeAll
    void tenants() {
        fixtures = new GroupFixtures(database);
        catalog = new CatalogFixtures(api, database);
        owner = createPartner("Owner", true, false);
        member = createManaged(owner, "Owner Customer (member)");
        outsider = createManaged(owner, "Owner Customer (not a member)");
        pack = catalog.pack(owner, "Owner Pack", "SINGLE");
        ApiResponse created = api.post(GROUPS, Tokens.account(owner), obj("name", "Owner Group"));
        assertEquals(201, created.status(), created::toString);
        group = UUID.fromString(created.string("id"));
        assertEquals(204, put("/accounts/" + member, Tokens.account(owner)).status());
        assertEquals(
                204, put("/integration-packs/" + pack, Tokens.account(owner)).status());

        intruder = createPartner("Intruder", true, true);
        intrudersCustomer = createManaged(intruder, "Intruder Customer");
        intrudersPack = catalog.pack(intruder, "Intruder Pack", "SINGLE");
        ApiResponse theirs = api.post(GROUPS, Tokens.account(intruder), obj("name", "Intruder Group"));
        assertEquals(201, theirs.status(), theirs::toString);
        intrudersGroup = UUID.fromString(theirs.string("id"));
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterAll
    void stopPool() {
        pool.shutdownNow();
    }

    /** Every endpoint, each with what it would answer the owner (so that a refusal is not vacuous). */
    static Stream<Call> endpoints() {
        return Stream.of(
                new Call(
                        "POST /account-groups",
                        201,
                        t -> t.api().post(GROUPS, t.token(), obj("name", "New " + UUID.randomUUID()))),
                new Call("GET /account-groups", 200, t -> t.api().get(GROUPS, t.token())),
                new Call("GET /account-groups/{id}", 200, t -> t.api().get(GROUPS + "/" + t.group(), t.token())),
                new Call(
                        "GET /account-groups/{id}/accounts",
                        200,
                        t -> t.api().get(GROUPS + "/" + t.group() + "/accounts", t.token())),
                new Call(
                        "GET /account-groups/{id}/integration-packs",
                        200,
                        t -> t.api().get(GROUPS + "/" + t.group() + "/integration-packs", t.token())),
                new Call("DELETE /account-groups/{id}", 204, t -> t.api().delete(GROUPS + "/" + t.group(), t.token())),
                new Call(
                        "PUT /account-groups/{id}/accounts/{accountId}",
                        204,
                        t -> t.api().put(GROUPS + "/" + t.group() + "/accounts/" + t.account(), t.token(), "")),
                new Call(
                        "DELETE /account-groups/{id}/accounts/{accountId}",
                        204,
                        t -> t.api().delete(GROUPS + "/" + t.group() + "/accounts/" + t.account(), t.token())),
                new Call(
                        "PUT /account-groups/{id}/integration-packs/{packId}",
                        204,
                        t -> t.api().put(GROUPS + "/" + t.group() + "/integration-packs/" + t.pack(), t.token(), "")),
                new Call(
                        "DELETE /account-groups/{id}/integration-packs/{packId}",
                        204,
                        t -> t.api().delete(GROUPS + "/" + t.group() + "/integration-packs/" + t.pack(), t.token())));
    }

    static Stream<Call> groupEndpoints() {
        return endpoints().filter(call -> call.name().contains("{id}"));
    }

    static Stream<Call> memberAndPackEndpoints() {
        return endpoints().filter(call -> call.name().contains("Id}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groupEndpoints")
    void anotherPartnerGets404ForTheOwnersGroupWhateverItPassesAlong(Call call) {
        String before = fixtures.groupState();
        // the intruder's own account and pack, and the owner's, on the owner's group
        for (Target target : List.of(
                target(Tokens.account(intruder), group, intrudersCustomer, intrudersPack),
                target(Tokens.account(intruder), group, member, pack))) {
            ApiResponse response = assertProblem(404, call.send().apply(target));
            assertFalse(response.raw().contains("Owner"), response::toString);
            assertFalse(response.raw().contains(member.toString()), response::toString);
        }
        assertEquals(before, fixtures.groupState());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memberAndPackEndpoints")
    void theOwnersAccountsAndPacksAre404InAnotherPartnersGroup(Call call) {
        String before = fixtures.groupState();
        assertProblem(404, call.send().apply(target(Tokens.account(intruder), intrudersGroup, member, pack)));
        assertEquals(before, fixtures.groupState());
    }

    @Test
    void anotherPartnersListShowsOnlyItsOwnGroups() {
        ApiResponse list = api.get(GROUPS + "?limit=500", Tokens.account(intruder));
        assertEquals(200, list.status(), list::toString);
        assertEquals(
                List.of(intrudersGroup.toString()),
                list.items().stream().map(g -> g.get("id")).toList());
        assertFalse(list.raw().contains(group.toString()), list::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void managedAccountsGet403(Call call) {
        String before = fixtures.groupState();
        for (UUID managed : List.of(member, outsider, intrudersCustomer)) {
            ApiResponse response =
                    assertProblem(403, call.send().apply(target(Tokens.account(managed), group, managed, pack)));
            assertTrue(response.string("detail").contains("partner"), response::toString);
        }
        assertEquals(before, fixtures.groupState());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void platformOperatorsGet403(Call call) {
        String before = fixtures.groupState();
        ApiResponse response = assertProblem(403, call.send().apply(target(Tokens.admin(), group, member, pack)));
        assertTrue(response.string("detail").contains("operator"), response::toString);
        assertEquals(before, fixtures.groupState());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void callsWithoutAValidTokenGet401(Call call) {
        String before = fixtures.groupState();
        for (String token : new String[] {
            null,
            "not-a-jwt",
            Tokens.expired(owner),
            Tokens.signedWithOtherSecret(owner),
            Tokens.account(UUID.randomUUID()),
            Tokens.sign("admin", List.of(), Tokens.SECRET, Duration.ofHours(1))
        }) {
            assertProblem(401, call.send().apply(target(token, group, outsider, pack)));
        }
        assertEquals(before, fixtures.groupState());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void theOwnerMayCallEveryEndpoint(Call call) {
        UUID scratch = newGroup("Scratch " + UUID.randomUUID());
        ApiResponse response = call.send().apply(target(Tokens.account(owner), scratch, outsider, pack));
        assertEquals(call.ownerStatus(), response.status(), response::toString);
    }

    // --- races ---

    @Test
    void twoParallelCreatesOfOneNameGiveOne201AndOne409() throws Exception {
        for (int round = 0; round < 10; round++) {
            String name = "Raced " + round;
            List<ApiResponse> responses =
                    concurrently(2, () -> api.post(GROUPS, Tokens.account(owner), obj("name", name)));
            List<Integer> statuses =
                    responses.stream().map(ApiResponse::status).sorted().toList();
            assertEquals(List.of(201, 409), statuses, responses::toString);
            ApiResponse conflict = responses.stream()
                    .filter(r -> r.status() == 409)
                    .findFirst()
                    .orElseThrow();
            assertProblem(409, conflict);
            assertTrue(conflict.string("detail").contains("'" + name + "'"), conflict::toString);
            assertEquals(
                    1,
                    count("SELECT count(*) FROM account_groups WHERE partner_account_id = '" + owner + "' AND name = '"
                            + name + "'"));
        }
    }

    @Test
    void parallelAddsOfOneMemberAndOnePackAllSucceedOnce() throws Exception {
        UUID target = newGroup("Parallel adds");
        List<ApiResponse> members = concurrently(
                8, () -> api.put(GROUPS + "/" + target + "/accounts/" + outsider, Tokens.account(owner), ""));
        List<ApiResponse> packs = concurrently(
                8, () -> api.put(GROUPS + "/" + target + "/integration-packs/" + pack, Tokens.account(owner), ""));
        for (ApiResponse response : concat(members, packs)) {
            assertEquals(204, response.status(), response::toString);
        }
        assertEquals(1, count("SELECT count(*) FROM account_group_members WHERE account_group_id = '" + target + "'"));
        assertEquals(1, count("SELECT count(*) FROM account_group_packs WHERE account_group_id = '" + target + "'"));
    }

    @Test
    void aGroupDeletedWhileMembersAreAddedEndsEmptyWithoutServerErrors() throws Exception {
        for (int round = 0; round < 5; round++) {
            UUID doomed = newGroup("Deleted while filled " + round);
            CyclicBarrier start = new CyclicBarrier(3);
            List<Future<ApiResponse>> calls = List.of(
                    pool.submit(awaiting(
                            start,
                            () -> api.put(GROUPS + "/" + doomed + "/accounts/" + outsider, Tokens.account(owner), ""))),
                    pool.submit(awaiting(
                            start,
                            () -> api.put(
                                    GROUPS + "/" + doomed + "/integration-packs/" + pack, Tokens.account(owner), ""))),
                    pool.submit(awaiting(start, () -> api.delete(GROUPS + "/" + doomed, Tokens.account(owner)))));
            assertEquals(204, calls.get(2).get().status(), () -> calls.get(2).toString());
            for (Future<ApiResponse> add : calls.subList(0, 2)) {
                ApiResponse response = add.get();
                assertTrue(
                        response.status() == 204 || response.status() == 404,
                        () -> "an add racing a delete is applied first or finds no group: " + response);
            }
            assertEquals(0, count("SELECT count(*) FROM account_groups WHERE id = '" + doomed + "'"));
            assertEquals(
                    0, count("SELECT count(*) FROM account_group_members WHERE account_group_id = '" + doomed + "'"));
            assertEquals(
                    0, count("SELECT count(*) FROM account_group_packs WHERE account_group_id = '" + doomed + "'"));
        }
    }

    // --- helpers ---

    private Target target(String token, UUID groupId, UUID account, UUID packId) {
        return new Target(api, token, groupId, account, packId);
    }

    private ApiResponse put(String subPath, String token) {
        return api.put(GROUPS + "/" + group + subPath, token, "");
    }

    private UUID newGroup(String name) {
        ApiResponse created = api.post(GROUPS, Tokens.account(owner), obj("name", name));
        assertEquals(201, created.status(), created::toString);
        return UUID.fromString(created.string("id"));
    }

    private List<ApiResponse> concurrently(int parallelism, Callable<ApiResponse> call) throws Exception {
        CyclicBarrier start = new CyclicBarrier(parallelism);
        List<Future<ApiResponse>> futures = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            futures.add(pool.submit(awaiting(start, call)));
        }
        List<ApiResponse> responses = new ArrayList<>();
        for (Future<ApiResponse> future : futures) {
            responses.add(future.get());
        }
        return responses;
    }

    private static Callable<ApiResponse> awaiting(CyclicBarrier start, Callable<ApiResponse> call) {
        return () -> {
            start.await();
            return call.call();
        };
    }

    private static List<ApiResponse> concat(List<ApiResponse> first, List<ApiResponse> second) {
        List<ApiResponse> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
