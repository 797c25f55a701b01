package io.packwright.api.console;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.Tokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console over HTTP, as a browser with htmx uses it: the development sign-in, the session and
 * CSRF cookies, the partner's pack pages over the same service as the API, another tenant's pages,
 * the Content-Security-Policy.
 */
class ConsolePagesTest extends ConsoleTestBase {

    private UUID partner;
    private UUID otherPartner;
    private UUID otherPack;

    @BeforeAll
    void partners() {
        partner = createPartner("Console Partner", true, false);
        otherPartner = createPartner("Other Console Partner", true, false);
        otherPack = UUID.fromString(api.post(
                        "/api/v1/integration-packs",
                        Tokens.account(otherPartner),
                        obj("name", "Other tenant's pack", "installationType", "SINGLE"))
                .string("id"));
    }

    private ConsoleBrowser browser() {
        return new ConsoleBrowser(server.getURI());
    }

    private long packsOf(UUID account) {
        return count("SELECT count(*) FROM integration_packs WHERE partner_account_id = '" + account + "'");
    }

    @Test
    void theDevelopmentSignInListsTheAccountsAndSetsAnHttpOnlyConsoleCookie() {
        ConsoleBrowser browser = browser();
        HttpResponse<String> page = browser.get("/console/sign-in");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("Console Partner"), page::body);
        assertTrue(page.body().contains("Platform operator"), page::body);
        String csrf = ConsoleBrowser.setCookie(page, ConsoleSessions.CSRF_COOKIE);
        assertTrue(
                csrf.toLowerCase().contains("httponly")
                        && csrf.contains("SameSite=Strict")
                        && csrf.contains("Path=/console"),
                csrf);
        assertFalse(csrf.contains("Secure"), csrf);

        HttpResponse<String> signedIn = browser.post("/console/sign-in/dev", Map.of("subject", partner.toString()));
        assertEquals(204, signedIn.statusCode(), signedIn::body);
        String session = ConsoleBrowser.setCookie(signedIn, ConsoleSessions.SESSION_COOKIE);
        assertTrue(
                session.toLowerCase().contains("httponly")
                        && session.contains("SameSite=Lax")
                        && session.contains("Path=/console"),
                session);

        HttpResponse<String> home = browser.get("/console");
        assertEquals(303, home.statusCode());
        assertEquals("/console/packs", home.headers().firstValue("location").orElse(null));

        HttpResponse<String> signedOut = browser.post("/console/sign-out", Map.of());
        assertEquals(204, signedOut.statusCode(), signedOut::body);
        assertEquals(
                "/console/sign-in",
                signedOut.headers().firstValue("HX-Redirect").orElse(null));
        assertFalse(browser.cookies.containsKey(ConsoleSessions.SESSION_COOKIE));
        assertEquals(303, browser.get("/console/packs").statusCode());
    }

    @Test
    void cookiesAreSecureBehindAnHttpsProxy() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.getURI().resolve("/console/sign-in"))
                                .header("X-Forwarded-Proto", "https")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(ConsoleBrowser.setCookie(page, ConsoleSessions.CSRF_COOKIE).contains("Secure"));
    }

    @Test
    void withoutAGenuineSessionThePagesSendToTheSignIn() {
        ConsoleBrowser browser = browser();
        HttpResponse<String> packs = browser.get("/console/packs");
        assertEquals(303, packs.statusCode());
        assertEquals("/console/sign-in", packs.headers().firstValue("location").orElse(null));

        browser.signIn(partner.toString());
        String genuine = browser.cookies.get(ConsoleSessions.SESSION_COOKIE);
        String otherSubject = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("admin|9999999999|x").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        browser.cookies.put(ConsoleSessions.SESSION_COOKIE, otherSubject + genuine.substring(genuine.indexOf('.')));
        assertEquals(303, browser.get("/console/packs").statusCode(), "a session whose payload was changed");
    }

    @Test
    void thePartnerSeesItsPacksAndNotAnotherTenants() {
        api.post(
                "/api/v1/integration-packs",
                Tokens.account(partner),
                obj("name", "Listed pack", "description", "Shown in the list", "installationType", "SINGLE"));
        ConsoleBrowser browser = browser();
        browser.signIn(partner.toString());

        HttpResponse<String> list = browser.get("/console/packs");
        assertEquals(200, list.statusCode(), list::body);
        assertTrue(list.body().contains("Listed pack"), list::body);
        assertTrue(list.body().contains("<main id=\"main\">"), "a main landmark");
        assertFalse(
                list.body().contains("Other tenant&#39;s pack") || list.body().contains("Other tenant's pack"));

        HttpResponse<String> foreign = browser.get("/console/packs/" + otherPack);
        assertEquals(404, foreign.statusCode());
        assertFalse(foreign.body().contains("Other tenant"), foreign::body);
        assertEquals(404, browser.get("/console/packs/not-a-uuid").statusCode());
    }

    @Test
    void aPackIsCreatedThroughTheFormWithTheApisRules() {
        ConsoleBrowser browser = browser();
        browser.signIn(partner.toString());
        browser.get("/console/packs");
        long before = packsOf(partner);

        HttpResponse<String> invalid = browser.post(
                "/console/packs", Map.of("name", "", "description", "x".repeat(501), "installationType", "SINGLE"));
        assertEquals(200, invalid.statusCode(), invalid::body);
        assertTrue(invalid.body().contains("id=\"pack-name-error\""), invalid::body);
        assertTrue(invalid.body().contains("id=\"pack-description-error\""), invalid::body);
        assertEquals(before, packsOf(partner), "nothing is created");

        HttpResponse<String> created = browser.post(
                "/console/packs",
                Map.of("name", "Made in the console", "description", "From the form", "installationType", "SINGLE"));
        assertEquals(204, created.statusCode(), created::body);
        String location = created.headers().firstValue("HX-Redirect").orElseThrow();
        assertTrue(location.startsWith("/console/packs/"), location);
        String id = location.substring("/console/packs/".length());
        ApiResponse pack = api.get("/api/v1/integration-packs/" + id, Tokens.account(partner));
        assertEquals(200, pack.status(), pack::toString);
        assertEquals("Made in the console", pack.get("name"));

        HttpResponse<String> duplicate =
                browser.post("/console/packs", Map.of("name", "Made in the console", "installationType", "SINGLE"));
        assertEquals(200, duplicate.statusCode());
        assertTrue(duplicate.body().contains("role=\"alert\""), duplicate::body);
        assertEquals(before + 1, packsOf(partner));

        HttpResponse<String> page = browser.get(location);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Made in the console"), page::body);
    }

    @Test
    void aStateChangingRequestWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        ConsoleBrowser browser = browser();
        browser.signIn(partner.toString());
        browser.get("/console/packs");
        long before = packsOf(partner);

        Map<String, String> form = Map.of("name", "Forged", "installationType", "SINGLE");
        assertEquals(403, browser.post("/console/packs", form, null).statusCode());
        ConsoleBrowser other = browser();
        other.get("/console/sign-in");
        assertEquals(403, browser.post("/console/packs", form, other.csrfToken).statusCode(), "another browser's");
        assertEquals(before, packsOf(partner));
    }

    @Test
    void pagesHaveAContentSecurityPolicyWithoutInlineScript() {
        HttpResponse<String> page = browser().get("/console/sign-in");
        String policy = page.headers().firstValue("content-security-policy").orElse("");
        assertTrue(policy.contains("script-src 'self'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval"), policy);
        assertFalse(page.body().contains("<script>"), "no inline script");
        HttpResponse<String> htmx = browser().get("/console/assets/htmx.min.js");
        assertEquals(200, htmx.statusCode());
        assertTrue(htmx.body().contains("htmx"));
    }

    @Test
    void theApiNeverAcceptsTheConsoleCookie() {
        ConsoleBrowser browser = browser();
        browser.signIn(partner.toString());
        assertEquals(401, browser.get("/api/v1/integration-packs").statusCode());
    }

    @Test
    void thePackPageAddsFiltersAndRemovesComponentsAndRenamesThePack() {
        UUID pack = fixtures.pack(partner, "Content pack", "SINGLE");
        UUID orders = fixtures.shareableProcess(partner, "Orders sync");
        UUID invoices = fixtures.shareableProcess(partner, "Invoices sync");
        UUID unpackaged = fixtures.component(partner, "Unpackaged process", "PROCESS");
        UUID foreign = fixtures.shareableProcess(otherPartner, "Orders of another tenant");
        ConsoleBrowser browser = browser();
        browser.signIn(partner.toString());
        HttpResponse<String> page = browser.get("/console/packs/" + pack);
        assertEquals(200, page.statusCode(), page::body);
        assertTrue(page.body().contains("Publications"), page::body);

        HttpResponse<String> filtered = browser.get("/console/packs/" + pack + "/candidates?filter=ORDERS");
        assertEquals(200, filtered.statusCode(), filtered::body);
        assertTrue(filtered.body().contains("Orders sync"), filtered::body);
        assertFalse(filtered.body().contains("Invoices sync"), "filtered by name, ignoring case");
        assertFalse(filtered.body().contains("another tenant"), "never another tenant's component");

        HttpResponse<String> refused = browser.post(
                "/console/packs/" + pack + "/components",
                Map.of("component-" + orders, "on", "component-" + unpackaged, "on", "component-" + foreign, "on"));
        assertEquals(200, refused.statusCode());
        assertTrue(refused.body().contains("role=\"alert\""), refused::body);
        assertTrue(refused.body().contains("no shareable package"), refused::body);
        assertTrue(refused.body().contains("is in your catalog"), "another tenant's component is not found");
        assertEquals(
                java.util.Set.of(orders),
                java.util.Set.copyOf(members(pack)),
                "what the service accepted is added, the rest is not");

        assertEquals(
                204,
                browser.post("/console/packs/" + pack + "/components", Map.of("component-" + invoices, "on"))
                        .statusCode());
        HttpResponse<String> withMembers = browser.get("/console/packs/" + pack);
        assertTrue(
                withMembers.body().contains("Orders sync") && withMembers.body().contains("Invoices sync"));
        assertTrue(browser.get("/console/packs/" + pack + "/candidates?filter=sync")
                .body()
                .contains("already in the pack"));

        HttpResponse<String> removed =
                browser.post("/console/packs/" + pack + "/components/" + orders + "/remove", Map.of());
        assertEquals(204, removed.statusCode(), removed::body);
        assertEquals(List.of(invoices), members(pack));

        HttpResponse<String> badName =
                browser.post("/console/packs/" + pack + "/edit", Map.of("name", "", "description", "Still here"));
        assertTrue(badName.body().contains("id=\"edit-name-error\""), badName::body);
        assertEquals(
                204,
                browser.post("/console/packs/" + pack + "/edit", Map.of("name", "Renamed pack", "description", "New"))
                        .statusCode());
        assertEquals(
                "Renamed pack",
                api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner))
                        .get("name"));

        ConsoleBrowser other = browser();
        other.signIn(otherPartner.toString());
        other.get("/console/packs");
        assertEquals(
                404, other.get("/console/packs/" + pack + "/candidates?filter=").statusCode());
        HttpResponse<String> foreignRemove =
                other.post("/console/packs/" + pack + "/components/" + invoices + "/remove", Map.of());
        assertTrue(foreignRemove.body().contains("role=\"alert\""), foreignRemove::body);
        assertEquals(List.of(invoices), members(pack), "another tenant changes nothing");
    }

    @Test
    void theReleaseDialogPreviewsAndSchedulesARelease() {
        UUID pack = fixtures.pack(partner, "Release dialog pack", "SINGLE");
        ConsoleBrowser browser = browser();
        browser.signIn(partner.toString());
        HttpResponse<String> empty = browser.get("/console/packs/" + pack);
        assertTrue(empty.body().contains("id=\"release-disabled\""), "nothing pending or available: disabled");

        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Released process"));
        HttpResponse<String> page = browser.get("/console/packs/" + pack);
        assertTrue(page.body().contains("id=\"release-form\""), page::body);

        HttpResponse<String> noDate = browser.post(
                "/console/packs/" + pack + "/release-preview", Map.of("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE"));
        assertTrue(noDate.body().contains("Pick the release date"), noDate::body);

        java.time.LocalDate date =
                java.time.LocalDate.now(java.time.ZoneId.of("Europe/Berlin")).plusDays(3);
        Map<String, String> pending =
                Map.of("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", date.toString());
        HttpResponse<String> preview = browser.post("/console/packs/" + pack + "/release-preview", pending);
        assertEquals(200, preview.statusCode(), preview::body);
        String windowStart = date.atStartOfDay(java.time.ZoneId.of("Europe/Berlin"))
                .toInstant()
                .toString();
        assertTrue(preview.body().contains(date + " 00:00"), preview::body);
        assertTrue(preview.body().contains(windowStart), "the UTC instant beside the local time: " + windowStart);
        assertTrue(preview.body().contains("Released process") && preview.body().contains("ADDED"), preview::body);
        assertEquals(0, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));

        HttpResponse<String> released = browser.post("/console/packs/" + pack + "/releases", pending);
        assertEquals(204, released.statusCode(), released::body);
        ApiResponse releases = api.get("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner));
        assertEquals(1, releases.items().size(), releases::toString);
        assertEquals("SCHEDULED", releases.items().get(0).get("status"));
        assertTrue(browser.get("/console/packs/" + pack).body().contains(date + " 00:00"), "the release date");

        HttpResponse<String> again = browser.post("/console/packs/" + pack + "/releases", pending);
        assertTrue(again.body().contains("role=\"alert\""), again::body);
        assertEquals(1, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
    }

    @Test
    void aPackIsDeletedAfterAConfirmationThatSaysWhatDeletionDoes() {
        UUID pack = fixtures.pack(partner, "Pack to delete", "SINGLE");
        ConsoleBrowser browser = browser();
        browser.signIn(partner.toString());
        HttpResponse<String> page = browser.get("/console/packs/" + pack);
        assertTrue(page.body().contains("hx-post=\"/console/packs/" + pack + "/delete\""), page::body);
        assertTrue(page.body().contains("every installed instance of it is uninstalled in every account"), page::body);

        HttpResponse<String> others = browser.post("/console/packs/" + otherPack + "/delete", Map.of());
        assertTrue(others.body().contains("role=\"alert\""), others::body);
        assertEquals(
                200,
                api.get("/api/v1/integration-packs/" + otherPack, Tokens.account(otherPartner))
                        .status());

        HttpResponse<String> deleted = browser.post("/console/packs/" + pack + "/delete", Map.of());
        assertEquals(204, deleted.statusCode(), deleted::body);
        assertEquals(
                "/console/packs", deleted.headers().firstValue("HX-Redirect").orElse(null));
        assertEquals(
                404,
                api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner))
                        .status());
        assertEquals(404, browser.get("/console/packs/" + pack).statusCode());
    }

    /** The pack's members, from the API, in component id order. */
    private List<UUID> members(UUID pack) {
        ApiResponse publications =
                api.get("/api/v1/integration-packs/" + pack + "/publications", Tokens.account(partner));
        assertEquals(200, publications.status(), publications::toString);
        return publications.items().stream()
                .filter(item -> !Boolean.TRUE.equals(item.get("deleted")))
                .map(item -> UUID.fromString((String) item.get("componentId")))
                .sorted()
                .toList();
    }
}
