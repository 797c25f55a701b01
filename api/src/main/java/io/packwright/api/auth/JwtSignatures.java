package io.packwright.api.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyType;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.micronaut.security.token.jwt.signature.jwks.JwksSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.jwks.JwksSignatureConfigurationProperties;
import io.micronaut.security.token.jwt.signature.secret.SecretSignature;
import io.micronaut.security.token.jwt.signature.secret.SecretSignatureConfiguration;
import io.packwright.activities.config.DevelopmentMode;
import io.packwright.activities.config.PublicSecrets;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;

/**
 * How tokens are verified: with the identity provider's JWKS when {@code packwright.jwt.jwks-url}
 * ({@code PACKWRIGHT_JWT_JWKS_URL}) is set, otherwise with the HS256 secret {@code
 * packwright.jwt.secret} ({@code PACKWRIGHT_JWT_SECRET}). Exactly one of the two is active, so a
 * production deployment on JWKS does not also accept tokens signed with a shared secret. For JWKS
 * this provides the configuration and Micronaut Security builds the verifier, which fetches and
 * caches the keys without blocking. Beans are declared by interface type: the concrete classes
 * carry {@code @EachProperty}/{@code @EachBean} metadata that would make them vanish without
 * matching {@code micronaut.security.*} properties.
 *
 * <p>The secret is checked at start-up ({@link Context}): outside {@link DevelopmentMode} a public
 * value ({@link PublicSecrets#JWT_SECRETS}, the default among them) stops the application, because
 * anyone could sign an admin token with it.
 */
@Factory
class JwtSignatures {

    private static final int MIN_SECRET_BYTES = 32;

    @Context
    @Named("packwright-secret")
    @Requires(missingProperty = "packwright.jwt.jwks-url")
    SignatureConfiguration secretSignature(JwtProperties jwt, DevelopmentMode developmentMode) {
        String secret = jwt.secret();
        developmentMode.requireProductionValue("PACKWRIGHT_JWT_SECRET", PublicSecrets.isPublicJwtSecret(secret));
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigurationException("PACKWRIGHT_JWT_SECRET must be at least " + MIN_SECRET_BYTES
                    + " bytes long (HS256 needs a 256-bit key).");
        }
        SecretSignatureConfiguration configuration = new SecretSignatureConfiguration("packwright-secret");
        configuration.setSecret(secret);
        configuration.setJwsAlgorithm(JWSAlgorithm.HS256);
        return new SecretSignature(configuration);
    }

    @Singleton
    @Named("packwright-jwks")
    @Requires(property = "packwright.jwt.jwks-url")
    JwksSignatureConfiguration jwksSignature(JwtProperties jwt) {
        JwksSignatureConfigurationProperties configuration =
                new JwksSignatureConfigurationProperties("packwright-jwks");
        configuration.setUrl(jwt.jwksUrl());
        configuration.setKeyType(KeyType.parse(jwt.jwksKeyType()));
        return configuration;
    }
}
