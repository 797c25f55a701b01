package io.packwright.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jwt.JWTClaimsSet;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code packwright.jwt.issuer} and {@code packwright.jwt.audience} configured, a validly signed
 * token is accepted only when its {@code iss} is that issuer and its {@code aud} contains that
 * audience.
 */
class IssuerAndAudienceTest extends ApiTestBase {

    private static final String ISSUER = "https://login.example.test/";
    private static final String AUDIENCE = "packwright-api";

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.jwt.issuer", ISSUER);
        properties.put("packwright.jwt.audience", AUDIENCE);
        return properties;
    }

    @Test
    void theConfiguredIssuerAndAudienceAreAccepted() {
        assertEquals(
                200,
                api.get("/api/v1/accounts", admin(ISSUER, List.of(AUDIENCE))).status());
        assertEquals(
                200,
                api.get("/api/v1/accounts", admin(ISSUER, List.of("another-api", AUDIENCE)))
                        .status());
    }

    @Test
    void aWrongOrMissingIssuerIs401() {
        assertProblem(401, api.get("/api/v1/accounts", admin("https://evil.example.test/", List.of(AUDIENCE))));
        assertProblem(401, api.get("/api/v1/accounts", admin(null, List.of(AUDIENCE))));
    }

    @Test
    void aWrongOrMissingAudienceIs401() {
        assertProblem(401, api.get("/api/v1/accounts", admin(ISSUER, List.of("another-api"))));
        assertProblem(401, api.get("/api/v1/accounts", admin(ISSUER, List.of())));
        assertProblem(401, api.get("/api/v1/accounts", Tokens.admin()));
    }

    @Test
    void theRightIssuerAndAudienceDoNotReplaceExpiry() {
        JWTClaimsSet.Builder withoutExpiry =
                Tokens.claims("admin", List.of("ADMIN")).issuer(ISSUER).audience(AUDIENCE);
        assertProblem(401, api.get("/api/v1/accounts", Tokens.sign(withoutExpiry)));
    }

    private static String admin(String issuer, List<String> audience) {
        return Tokens.sign(Tokens.claims("admin", List.of("ADMIN"))
                .issuer(issuer)
                .audience(audience)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))));
    }
}
