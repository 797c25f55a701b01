package io.packwright.deploy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Ready-to-use bearer tokens for a local stack: HS256 JWTs signed with the same secret the api
 * validates with, so that a developer can call the API right after start.
 */
final class DevTokens {

    /** How long the printed development tokens are valid. */
    static final Duration ADMIN_TOKEN_VALIDITY = Duration.ofDays(30);

    private DevTokens() {}

    /**
     * A platform operator's token: {@code sub} {@code admin}, {@code roles: ["ADMIN"]}.
     *
     * @param secret the HS256 secret, at least 32 bytes
     * @param now the issue time
     */
    static String adminToken(String secret, Instant now) {
        return sign(secret, "admin", List.of("ADMIN"), now);
    }

    /**
     * A token of the account {@code accountId} (a partner or a managed account): {@code sub} is the
     * account id, no roles; the api resolves the role from the account.
     */
    static String accountToken(String secret, UUID accountId, Instant now) {
        return sign(secret, accountId.toString(), List.of(), now);
    }

    private static String sign(String secret, String subject, List<String> roles, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("roles", roles)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ADMIN_TOKEN_VALIDITY)))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign a token with PACKWRIGHT_JWT_SECRET", e);
        }
        return jwt.serialize();
    }
}
