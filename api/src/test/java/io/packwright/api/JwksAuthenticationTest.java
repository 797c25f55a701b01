package io.packwright.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code packwright.jwt.jwks-url}, tokens are verified against the identity provider's keys,
 * and tokens signed with the shared secret are no longer accepted.
 */
class JwksAuthenticationTest extends ApiTestBase {

    private final RSAKey idpKey;
    private final RSAKey strangerKey;
    private final HttpServer idp;

    JwksAuthenticationTest() throws JOSEException, IOException {
        idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        strangerKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(idpKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        idp.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(jwks);
            }
        });
        idp.start();
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put(
                "packwright.jwt.jwks-url",
                "http://127.0.0.1:" + idp.getAddress().getPort() + "/.well-known/jwks.json");
        return properties;
    }

    @AfterAll
    void stopIdp() {
        idp.stop(0);
    }

    @Test
    void tokenSignedByTheIdentityProviderIsAccepted() {
        assertEquals(
                200,
                api.get("/api/v1/accounts", rs256(idpKey, "admin", List.of("ADMIN")))
                        .status());
    }

    @Test
    void tokenSignedWithAnotherKeyIsRejected() {
        assertProblem(401, api.get("/api/v1/accounts", rs256(strangerKey, "admin", List.of("ADMIN"))));
    }

    @Test
    void sharedSecretTokensAreNoLongerAccepted() {
        assertProblem(401, api.get("/api/v1/accounts", Tokens.admin()));
    }

    private static String rs256(RSAKey key, String subject, List<String> roles) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    new JWTClaimsSet.Builder()
                            .subject(subject)
                            .claim("roles", roles)
                            .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                            .build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
