package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.packwright.activities.config.PublicSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DevTokensTest {

    @Test
    void adminTokenIsAnHs256JwtForTheAdminRoleValidForThirtyDays() throws Exception {
        Instant now = Instant.parse("2026-11-21T12:00:00Z");

        SignedJWT jwt = SignedJWT.parse(DevTokens.adminToken(PublicSecrets.DEVELOPMENT_JWT_SECRET, now));

        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertTrue(jwt.verify(new MACVerifier(PublicSecrets.DEVELOPMENT_JWT_SECRET)));
        assertFalse(jwt.verify(new MACVerifier("another-secret-that-is-long-enough-for-hs256")));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("admin", claims.getSubject());
        assertEquals(List.of("ADMIN"), claims.getStringListClaim("roles"));
        assertEquals(Date.from(now), claims.getIssueTime());
        assertEquals(Date.from(now.plus(Duration.ofDays(30))), claims.getExpirationTime());
    }

    @Test
    void accountTokenCarriesTheAccountIdAndNoRoles() throws Exception {
        UUID account = UUID.fromString("01a1ffd2-94cc-77ee-8711-f02f6d41cb0c");

        SignedJWT jwt =
                SignedJWT.parse(DevTokens.accountToken(PublicSecrets.DEVELOPMENT_JWT_SECRET, account, Instant.now()));

        assertTrue(jwt.verify(new MACVerifier(PublicSecrets.DEVELOPMENT_JWT_SECRET)));
        assertEquals(account.toString(), jwt.getJWTClaimsSet().getSubject());
        assertEquals(List.of(), jwt.getJWTClaimsSet().getStringListClaim("roles"));
    }
}
