package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every catalog and pack endpoint, called by everyone who must not reach the owner's resources:
 * another partner (404), a managed account (403), a platform operator (403) and nobody (401). None
 * of those calls changes anything.
 */
class CatalogTenancyApiTest extends CatalogApiTestBase {

    private UUID owner;
    private UUID otherPartner;
    private UUID managed;
    private UUID component;
    private UUID pkg;
    private UUID pack;
    private UUID otherComponent;
    private UUID otherPack;

    /** One endpoint, called with a token (or none). */
    private record Call(String name, Function<String, ApiResponse> send) {}

    @BeforeAll
    void tenants() {
        owner = createPartner("Owner", true, true);
        otherPartner = createPartner("Other partner", true, true);
        managed = createManaged(owner, "Owner's customer");
        component = fixtures.shareableProcess(owner, "Owned process");
        pkg = UUID.fromString(
                fixtures.column("SELECT id FROM packaged_components WHERE component_id = '" + component + "'")
                        .get(0));
        UUID member = fixtures.shareableProcess(owner, "Owned member");
        pack = fixtures.pack(owner, "Owned pack", "SINGLE");
        fixtures.add(owner, pack, member);
        otherComponent = fixtures.shareableProcess(otherPartner, "Other process");
        otherPack = fixtures.pack(otherPartner, "Other pack", "SINGLE");
    }

    /** Every endpoint that names one of the owner's resources. */
    private List<Call> ownerResourceCalls() {
        String packPath = "/api/v1/integration-packs/" + pack;
        String componentPath = "/api/v1/components/" + component;
        List<Call> calls = new ArrayList<>();
        calls.add(new Call("GET component", token -> api.get(componentPath, token)));
        calls.add(new Call(
                "POST package",
                token -> api.post(componentPath + "/packages", token, obj("packageVersion", "9", "shareable", true))));
        calls.add(new Call("GET packages", token -> api.get(componentPath + "/packages", token)));
        calls.add(new Call("GET package", token -> api.get(componentPath + "/packages/" + pkg, token)));
        calls.add(new Call("GET pack", token -> api.get(packPath, token)));
        calls.add(new Call("PATCH pack", token -> api.patch(packPath, token, obj("name", "Taken over"))));
        calls.add(new Call("DELETE pack", token -> api.delete(packPath, token)));
        calls.add(new Call(
                "PUT own component into pack",
                token -> api.raw("PUT", packPath + "/components/" + component, token, null, "")));
        calls.add(new Call(
                "PUT foreign component into pack",
                token -> api.raw("PUT", packPath + "/components/" + otherComponent, token, null, "")));
        calls.add(new Call(
                "PUT component into the caller's own pack",
                token -> api.raw(
                        "PUT",
                        "/api/v1/integration-packs/" + otherPack + "/components/" + component,
                        token,
                        null,
                        "")));
        calls.add(new Call(
                "DELETE component from pack", token -> api.delete(packPath + "/components/" + component, token)));
        calls.add(new Call("GET publications", token -> api.get(packPath + "/publications", token)));
        return calls;
    }

    /** The endpoints without an id of the owner. */
    private List<Call> collectionCalls() {
        return List.of(
                new Call(
                        "POST component",
                        token -> api.post("/api/v1/components", token, obj("name", "Intruder", "type", "PROCESS"))),
                new Call("GET components", token -> api.get("/api/v1/components", token)),
                new Call(
                        "POST pack",
                        token -> api.post(
                                "/api/v1/integration-packs",
                                token,
                                obj("name", "Intruder", "installationType", "SINGLE"))),
                new Call("GET packs", token -> api.get("/api/v1/integration-packs", token)));
    }

    /** Everything that any of these endpoints could change. */
    private List<String> state() {
        List<String> state = new ArrayList<>();
        state.addAll(
                fixtures.column("SELECT id || name || type || contains_process_route FROM components ORDER BY id"));
        state.addAll(fixtures.column("SELECT id || package_version || shareable FROM packaged_components ORDER BY id"));
        state.addAll(fixtures.column("SELECT packaged_component_id || key || kind FROM package_extensions ORDER BY 1"));
        state.addAll(fixtures.column("SELECT id || name || description || installation_type || updated_at"
                + " || coalesce(deleted_at::text, 'live') FROM integration_packs ORDER BY id"));
        state.addAll(fixtures.column(
                "SELECT integration_pack_id || '/' || component_id FROM integration_pack_members ORDER BY 1"));
        state.addAll(fixtures.column("SELECT count(*)::text FROM idempotency_keys"));
        return state;
    }

    @Test
    void anotherPartnerFindsNothingOfTheOwner() {
        String other = Tokens.account(otherPartner);
        List<String> before = state();
        for (Call call : ownerResourceCalls()) {
            ApiResponse response = call.send().apply(other);
            assertProblem(404, response);
            assertFalse(response.raw().contains("Owned"), call.name() + " leaks: " + response);
        }
        assertEquals(before, state());

        ApiResponse components = api.get("/api/v1/components", other);
        assertEquals(List.of(otherComponent.toString()), ids(components));
        ApiResponse packs = api.get("/api/v1/integration-packs", other);
        assertEquals(List.of(otherPack.toString()), ids(packs));
    }

    @Test
    void managedAccountsMayCallNone() {
        assertEverywhere(403, Tokens.account(managed));
    }

    @Test
    void platformOperatorsMayCallNone() {
        assertEverywhere(403, Tokens.admin());
    }

    @Test
    void nobodyWithoutATokenMayCallAny() {
        assertEverywhere(401, null);
    }

    @Test
    void notFoundLooksTheSameForForeignAndUnknownIds() {
        String other = Tokens.account(otherPartner);
        ApiResponse foreign = api.get("/api/v1/integration-packs/" + pack, other);
        ApiResponse unknown = api.get("/api/v1/integration-packs/" + UUID.randomUUID(), other);
        assertEquals(foreign.status(), unknown.status());
        assertEquals(foreign.get("type"), unknown.get("type"));
        assertEquals(
                foreign.string("detail").replace(pack.toString(), "?"),
                unknown.string("detail").replaceAll("[0-9a-f-]{36}", "?"));
    }

    private void assertEverywhere(int status, String token) {
        List<String> before = state();
        List<Call> calls = new ArrayList<>(ownerResourceCalls());
        calls.addAll(collectionCalls());
        for (Call call : calls) {
            ApiResponse response = call.send().apply(token);
            assertEquals(status, response.status(), () -> call.name() + ": " + response);
            assertProblem(status, response);
        }
        assertEquals(before, state());
    }

    private static List<String> ids(ApiResponse list) {
        return list.items().stream().map(item -> (String) item.get("id")).toList();
    }
}
