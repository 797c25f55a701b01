package io.packwright.api.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.packwright.activities.config.PublicSecrets;

/**
 * How the api verifies tokens, {@code packwright.jwt.*} (environment: {@code PACKWRIGHT_JWT_SECRET},
 * {@code PACKWRIGHT_JWT_JWKS_URL}, {@code PACKWRIGHT_JWT_JWKS_KEY_TYPE}, {@code
 * PACKWRIGHT_JWT_ISSUER}, {@code PACKWRIGHT_JWT_AUDIENCE}). Every token must be signed (see {@link
 * JwtSignatures}) and carry {@code exp}; see {@link RequiredClaimsValidator}.
 *
 * @param secret the HS256 secret, at least 32 bytes; unused when {@code jwksUrl} is set. Defaults to
 *     the public development secret, which only development mode accepts
 * @param jwksUrl the identity provider's JWKS; when set, tokens are verified with its keys instead
 *     of the secret
 * @param jwksKeyType the key type of the JWKS keys, {@code RSA} or {@code EC}
 * @param issuer when set, the {@code iss} every token must carry
 * @param audience when set, a value that every token's {@code aud} must contain
 */
@ConfigurationProperties("packwright.jwt")
record JwtProperties(
        @Bindable(defaultValue = PublicSecrets.DEVELOPMENT_JWT_SECRET)
        String secret,

        @Nullable String jwksUrl,
        @Bindable(defaultValue = "RSA") String jwksKeyType,
        @Nullable String issuer,
        @Nullable String audience) {

    @Override
    public String toString() {
        return "JwtProperties[secret=******, jwksUrl=" + jwksUrl + ", jwksKeyType=" + jwksKeyType + ", issuer=" + issuer
                + ", audience=" + audience + "]";
    }
}
