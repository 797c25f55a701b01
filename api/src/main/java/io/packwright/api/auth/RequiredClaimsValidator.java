package io.packwright.api.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.JWTClaimsSetUtils;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a validly signed token that lacks {@code exp}, and, when {@link JwtProperties#issuer()} or
 * {@link JwtProperties#audience()} is configured, one whose {@code iss} differs or whose {@code aud}
 * does not contain it. Micronaut's own validators check {@code exp} only when a token carries one,
 * so a token without it would be valid forever. A refused token is a {@code 401}.
 *
 * @param <T> the request type
 */
@Singleton
class RequiredClaimsValidator<T> implements GenericJwtClaimsValidator<T> {

    private static final Logger LOG = LoggerFactory.getLogger(RequiredClaimsValidator.class);

    private final JwtProperties jwt;

    RequiredClaimsValidator(JwtProperties jwt) {
        this.jwt = jwt;
    }

    @Override
    public boolean validate(Claims claims, T request) {
        JWTClaimsSet token = JWTClaimsSetUtils.jwtClaimsSetFromClaims(claims);
        if (token.getExpirationTime() == null) {
            LOG.debug("Refused a token without exp");
            return false;
        }
        if (jwt.issuer() != null && !jwt.issuer().equals(token.getIssuer())) {
            LOG.debug("Refused a token whose iss is not the configured issuer");
            return false;
        }
        if (jwt.audience() != null && !token.getAudience().contains(jwt.audience())) {
            LOG.debug("Refused a token whose aud does not contain the configured audience");
            return false;
        }
        return true;
    }
}
