package io.packwright.api.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Real HS256 tokens, signed like an identity provider would, for API tests. */
public final class Tokens {

    /** The secret configured for tests (application-test.yml). */
    public static final String SECRET = "packwright-test-secret-0123456789abcdef0123456789";

    private Tokens() {}

    public static String admin() {
        return sign("admin", List.of("ADMIN"), SECRET, Duration.ofHours(1));
    }

    public static String account(UUID accountId) {
        return sign(accountId.toString(), List.of(), SECRET, Duration.ofHours(1));
    }

    public static String expired(UUID accountId) {
        return sign(accountId.toString(), List.of(), SECRET, Duration.ofMinutes(-5));
    }

    public static String signedWithOtherSecret(UUID accountId) {
        return sign(
                accountId.toString(), List.of(), "another-secret-that-is-long-enough-0123456789", Duration.ofHours(1));
    }

    public static String sign(String subject, List<String> roles, String secret, Duration validFor) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("roles", roles)
                .issueTime(Date.from(now.minusSeconds(600)))
                .expirationTime(Date.from(now.plus(validFor)))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
