package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 401 for every kind of bad token, one without {@code exp} too, and problem+json for every error the
 * framework raises.
 */
class AuthenticationAndErrorsTest extends ApiTestBase {

    private UUID partner;

    @BeforeAll
    void partner() {
        partner = createPartner("Auth Partner", true, false);
    }

    @Test
    void missingTokenIs401() {
        ApiResponse response = assertProblem(401, api.get("/api/v1/accounts", null));
        assertTrue(response.string("detail").contains("Bearer"), response::toString);
    }

    @Test
    void malformedTokenIs401() {
        assertProblem(401, api.get("/api/v1/accounts", "not-a-jwt"));
        assertProblem(401, api.get("/api/v1/accounts", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl"));
        String unsigned = Tokens.admin().substring(0, Tokens.admin().lastIndexOf('.') + 1);
        assertProblem(401, api.get("/api/v1/accounts", unsigned));
    }

    @Test
    void tokenSignedWithAnotherSecretIs401() {
        assertProblem(401, api.get("/api/v1/accounts/" + partner, Tokens.signedWithOtherSecret(partner)));
    }

    @Test
    void expiredTokenIs401() {
        assertProblem(401, api.get("/api/v1/accounts/" + partner, Tokens.expired(partner)));
    }

    @Test
    void tokenWithoutExpiryIs401() {
        assertProblem(
                401, api.get("/api/v1/accounts/" + partner, Tokens.sign(Tokens.claims(partner.toString(), List.of()))));
        String admin = Tokens.sign(Tokens.claims("admin", List.of("ADMIN")));
        assertProblem(401, api.get("/api/v1/accounts", admin));
    }

    @Test
    void tokenOfAnUnknownAccountIs401() {
        assertProblem(401, api.get("/api/v1/accounts/" + partner, Tokens.account(UUID.randomUUID())));
    }

    @Test
    void adminSubjectWithoutAdminRoleIs401() {
        String token = Tokens.sign("admin", List.of(), Tokens.SECRET, Duration.ofHours(1));
        assertProblem(401, api.get("/api/v1/accounts", token));
    }

    @Test
    void subjectThatIsNeitherAdminNorAnAccountIdIs401() {
        String token = Tokens.sign("alice", List.of("ADMIN"), Tokens.SECRET, Duration.ofHours(1));
        assertProblem(401, api.get("/api/v1/accounts", token));
    }

    @Test
    void adminRoleOnAnAccountTokenGrantsNothingExtra() {
        String token = Tokens.sign(partner.toString(), List.of("ADMIN"), Tokens.SECRET, Duration.ofHours(1));
        ApiResponse response =
                api.post("/api/v1/accounts", token, obj("name", "Sneaky", "type", "PARTNER", "timeZone", "UTC"));
        assertProblem(403, response);
    }

    @Test
    void validTokenIsAccepted() {
        assertEquals(
                200,
                api.get("/api/v1/accounts/" + partner, Tokens.account(partner)).status());
    }

    @Test
    void healthNeedsNoToken() {
        ApiResponse health = api.get("/health", null);
        assertEquals(200, health.status(), health::toString);
        assertEquals("UP", health.string("status"));
    }

    @Test
    void openApiDocumentAndItsBrowsablePageNeedNoToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> spec = http.send(
                HttpRequest.newBuilder(server.getURI().resolve("/swagger/packwright-v1.yml"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, spec.statusCode());
        assertTrue(spec.body().contains("/api/v1/accounts:"), spec.body());
        HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(server.getURI().resolve("/swagger-ui/index.html"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/swagger/packwright-v1.yml"), "the page loads the served document");
    }

    @Test
    void unknownRouteIsProblem404WithAndWithoutToken() {
        assertProblem(404, api.get("/api/v1/nothing-here", Tokens.admin()));
        assertProblem(404, api.get("/nothing-here", null));
    }

    @Test
    void wrongMethodIsProblem405() {
        ApiResponse response = assertProblem(405, api.raw("DELETE", "/api/v1/accounts", Tokens.admin(), null, ""));
        assertTrue(response.string("detail").contains("DELETE"), response::toString);
    }

    @Test
    void wrongContentTypeIsProblem415() {
        assertProblem(415, api.raw("POST", "/api/v1/accounts", Tokens.admin(), "text/plain", "name=x"));
    }

    @Test
    void malformedJsonIsProblem400() {
        assertProblem(
                400, api.raw("POST", "/api/v1/accounts", Tokens.admin(), "application/json", "{\"name\": \"x\","));
        assertProblem(400, api.raw("POST", "/api/v1/accounts", Tokens.admin(), "application/json", "[1, 2]"));
        assertProblem(400, api.raw("POST", "/api/v1/accounts", Tokens.admin(), "application/json", "\"text\""));
    }

    @Test
    void missingBodyIsProblem400() {
        ApiResponse response =
                assertProblem(400, api.raw("POST", "/api/v1/accounts", Tokens.admin(), "application/json", ""));
        assertTrue(response.string("detail").contains("body is required"), response::toString);
    }

    @Test
    void wrongQueryParameterTypeIsProblem400() {
        assertProblem(400, api.get("/api/v1/accounts?limit=many", Tokens.admin()));
    }

    @Test
    void wrongPathParameterTypeIsProblem400() {
        assertProblem(400, api.get("/api/v1/accounts/not-a-uuid", Tokens.admin()));
    }
}
