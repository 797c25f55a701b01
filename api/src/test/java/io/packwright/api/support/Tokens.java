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
        return sign(
                claims(subject, roles).expirationTime(Date.from(Instant.now().plus(validFor))), secret);
    }

    /** The claims of {@link #sign(String, List, String, Duration)} without {@code exp}, to add more to. */
    public static JWTClaimsSet.Builder claims(String subject, List<String> roles) {
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("roles", roles)
                .issueTime(Date.from(Instant.now().minusSeconds(600)));
    }

    /** A token with exactly these claims, signed with {@link #SECRET}. */
    public static String sign(JWTClaimsSet.Builder claims) {
        return sign(claims, SECRET);
    }

    private static String sign(JWTClaimsSet.Builder claims, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
